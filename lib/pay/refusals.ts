/**
 * What a verified refusal of WeChat Pay obliges a payout to do. A refusal created nothing under the
 * number, so retrying with the SAME number is always safe; the split is about whether waiting can help.
 *
 * - `hold`: money-side or rate refusals that clear by themselves or by an operator's action (balance
 *   topped up, a day or a minute passes, a restriction lifted). The order stays open and is retried
 *   with backoff under the same number.
 * - `final`: the request itself can never succeed as sent (bad parameters, not allowed, user blocked
 *   by risk control). The order fails with the reason; an operator may retry it as a new order.
 * - `query-first`: the code says the number may already carry a bill or packet (v3 INVALID_REQUEST:
 *   "单号已存在但信息不一致" among other business rules; v2 FATAL_ERROR: same mch_billno, other
 *   content), or the code is new to us. WeChat Pay's rule for both: query before deciding, never a
 *   new number until a query says the old one failed.
 *
 * Sources (WeChat Pay docs and its developer community, checked for issue 11): transfer bills
 * answer 403 NOT_ENOUGH "商户运营账户资金不足，充值后可以原单号发起重试，请勿更换商户单号", 429
 * FREQUENCY_LIMITED "请降低频率后原单重试", 403 USER_ERROR "当前商户存在异常，暂时无法进行转账",
 * 400 INVALID_REQUEST for a reused number with other content, for "超出商户单日转账额度" and for
 * "超过单笔转账上下限" (the message is for people only, so the code alone decides: query, then hold);
 * "如果发起转账接口遇到新的错误码，请务必不要换单重试". Cash red packets: NOTENOUGH, SENDNUM_LIMIT (10
 * per follower per day), SENDAMOUNT_LIMIT / RCVDAMOUNT_LIMIT (merchant / follower daily amount),
 * TIME_LIMITED, SECOND_OVER_LIMITED, FREQ_LIMIT clear with time or a top-up; SEND_FAILED ("请更换单号再
 * 重试") and NO_AUTH (risk control blocked the follower) are final; FATAL_ERROR means "重复请求时，参数
 * 与原单不一致".
 */
export type RefusalAction = 'hold' | 'final' | 'query-first';

const TRANSFER: Record<string, RefusalAction> = {
  NOT_ENOUGH: 'hold',
  FREQUENCY_LIMITED: 'hold',
  USER_ERROR: 'hold',
  INVALID_REQUEST: 'query-first',
  PARAM_ERROR: 'final',
  NO_AUTH: 'final',
  SIGN_ERROR: 'final',
};

const REDPACK: Record<string, RefusalAction> = {
  NOTENOUGH: 'hold',
  SENDNUM_LIMIT: 'hold',
  SENDAMOUNT_LIMIT: 'hold',
  RCVDAMOUNT_LIMIT: 'hold',
  TIME_LIMITED: 'hold',
  SECOND_OVER_LIMITED: 'hold',
  FREQ_LIMIT: 'hold',
  API_METHOD_CLOSED: 'hold',
  FATAL_ERROR: 'query-first',
  SEND_FAILED: 'final',
  NO_AUTH: 'final',
  MONEY_LIMIT: 'final',
  OPENID_ERROR: 'final',
  PARAM_ERROR: 'final',
  XML_ERROR: 'final',
  SIGN_ERROR: 'final',
  CA_ERROR: 'final',
  ILLEGAL_APPID: 'final',
  MSGAPPID_ERROR: 'final',
  ACCEPTMODE_ERROR: 'final',
};

/** The action for a refusal code of one API; a code we do not know is queried, never trusted. */
export function refusalAction(api: 'transfer' | 'redpack', code: string): RefusalAction {
  const table = api === 'transfer' ? TRANSFER : REDPACK;
  return Object.hasOwn(table, code) ? table[code]! : 'query-first';
}
