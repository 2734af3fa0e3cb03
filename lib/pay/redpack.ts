import { randomBytes } from 'node:crypto';
import { buildXml, parseXml, type XmlObject } from '../wechat/xml';
import { REDPACK_STATUSES, unknown, type QueryRedpackResult, type RedpackStatus, type SendRedpackResult } from './outcome';
import { v2Sign } from './v2Sign';
import type { V2Raw } from './v2Transport';

/**
 * The classic cash red packet (APIv2 XML, 现金红包): it lands in the follower's chat as a real red
 * packet. 1–200 CNY, 10 per follower per day; a retry with the same mch_billno never pays twice.
 * Signed with MD5 (the red-packet API takes no sign_type). Its answers are not signed: trust rests
 * on TLS to api.mch.weixin.qq.com.
 */
export const SENDREDPACK_PATH = '/mmpaymkttransfers/sendredpack';
export const GETHBINFO_PATH = '/mmpaymkttransfers/gethbinfo';
/** mch_billno: letters and digits, at most 28 (WeChat suggests mch_id + yyyymmdd + 10 digits). */
export const MCH_BILLNO = /^[A-Za-z0-9]{1,28}$/;

export interface RedpackInput {
  mchBillno: string;
  openid: string;
  amountFen: number;
  /** send_name: the sender shown on the packet (the brand). */
  sendName: string;
  /** wishing: the line on the packet. */
  wishing: string;
  actName: string;
  remark: string;
  /** scene_id, required by WeChat outside 1–200 CNY (e.g. PRODUCT_2 抽奖). */
  sceneId?: string;
}

export interface RedpackDeps {
  post: (path: string, xml: string) => Promise<V2Raw>;
  mchid: string;
  appid: string;
  v2Key: string;
  clientIp: string;
}

/** Codes that mean "this request created nothing". Anything unrecognised stays unknown: a retry with the same number is always safe. */
const REJECTIONS = new Set([
  'NO_AUTH',
  'SENDNUM_LIMIT',
  'ILLEGAL_APPID',
  'MONEY_LIMIT',
  'SEND_FAILED',
  'FATAL_ERROR',
  'CA_ERROR',
  'SIGN_ERROR',
  'XML_ERROR',
  'API_METHOD_CLOSED',
  'NOTENOUGH',
  'OPENID_ERROR',
  'MSGAPPID_ERROR',
  'ACCEPTMODE_ERROR',
  'PARAM_ERROR',
  'SENDAMOUNT_LIMIT',
  'RCVDAMOUNT_LIMIT',
  'TIME_LIMITED',
  'SECOND_OVER_LIMITED',
]);
const THROTTLES = new Set(['FREQ_LIMIT']);
/** "Retry with the same number": the packet may have been sent. */
const MAYBE_DONE = new Set(['SYSTEMERROR', 'SYSTEM_ERROR', 'PROCESSING']);

export async function sendRedpack(input: RedpackInput, d: RedpackDeps): Promise<SendRedpackResult> {
  const params: Record<string, string | number> = {
    nonce_str: nonceStr(),
    mch_billno: input.mchBillno,
    mch_id: d.mchid,
    wxappid: d.appid,
    send_name: input.sendName,
    re_openid: input.openid,
    total_amount: input.amountFen,
    total_num: 1,
    wishing: input.wishing,
    client_ip: d.clientIp,
    act_name: input.actName,
    remark: input.remark,
    ...(input.sceneId ? { scene_id: input.sceneId } : {}),
  };
  const answer = await exchange(SENDREDPACK_PATH, params, d);
  if (answer.kind !== 'success') return answer.kind === 'not-found' ? { kind: 'rejected', code: 'NOT_FOUND', message: answer.message } : answer;
  const a = answer.fields;
  if (a.mch_billno !== undefined && a.mch_billno !== input.mchBillno)
    return unknown('malformed', `the answer is about ${a.mch_billno}, not ${input.mchBillno}`);
  return { kind: 'ok', sendListId: a.send_listid ?? '', mchBillno: input.mchBillno };
}

export async function queryRedpack(mchBillno: string, d: RedpackDeps): Promise<QueryRedpackResult> {
  const params = { nonce_str: nonceStr(), mch_billno: mchBillno, mch_id: d.mchid, appid: d.appid, bill_type: 'MCHT' };
  const answer = await exchange(GETHBINFO_PATH, params, d);
  if (answer.kind === 'not-found') return { kind: 'not-found' };
  if (answer.kind !== 'success') return answer;
  const a = answer.fields;
  if (!(REDPACK_STATUSES as readonly string[]).includes(a.status ?? '')) return unknown('malformed', `unknown red packet status ${a.status}`);
  if (a.mch_billno !== mchBillno) return unknown('malformed', `the answer is about ${a.mch_billno}, not ${mchBillno}`);
  const amount = Number(a.total_amount);
  if (!Number.isSafeInteger(amount)) return unknown('malformed', 'the answer has no total_amount');
  return {
    kind: 'found',
    status: a.status as RedpackStatus,
    detailId: a.detail_id ?? '',
    mchBillno,
    amountFen: amount,
    ...(answer.hbinfo?.openid ? { openid: answer.hbinfo.openid } : {}),
    ...(a.send_time ? { sendTime: a.send_time } : {}),
    ...(answer.hbinfo?.rcv_time ? { receivedTime: answer.hbinfo.rcv_time } : {}),
    ...(a.refund_time ? { refundTime: a.refund_time } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
  };
}

type Exchange =
  | { kind: 'success'; fields: Record<string, string | undefined>; hbinfo?: Record<string, string | undefined> }
  | { kind: 'not-found'; message: string }
  | Exclude<SendRedpackResult, { kind: 'ok' }>;

/** Signs, sends and classifies one APIv2 call by return_code / result_code / err_code. */
async function exchange(path: string, params: Record<string, string | number>, d: RedpackDeps): Promise<Exchange> {
  const xml = buildXml({ ...params, sign: v2Sign(params, d.v2Key, 'MD5') });
  const raw = await d.post(path, xml);
  if (raw.kind !== 'answered') return raw;
  if (raw.status >= 500) return unknown('server-error', `HTTP ${raw.status}`);
  if (raw.status !== 200) return unknown('malformed', `HTTP ${raw.status}`);
  let root: XmlObject;
  try {
    root = parseXml(raw.body).value;
  } catch (err) {
    return unknown('malformed', `answer is not XML: ${(err as Error).message}`);
  }
  const fields = flat(root);
  // return_code FAIL: the request never reached the business logic (bad signature, bad XML, …).
  if (fields.return_code !== 'SUCCESS') {
    const code = fields.err_code || 'RETURN_FAIL';
    if (THROTTLES.has(code)) return { kind: 'throttled', code };
    if (MAYBE_DONE.has(code)) return unknown('server-error', `${code}: ${fields.return_msg ?? ''}`);
    if (fields.return_code === 'FAIL') return { kind: 'rejected', code, message: fields.return_msg ?? '' };
    return unknown('malformed', 'answer has no return_code');
  }
  if (fields.result_code === 'SUCCESS') {
    const list = root.hblist;
    const info = typeof list === 'object' && !Array.isArray(list) ? list.hbinfo : undefined;
    const first = Array.isArray(info) ? info[0] : info;
    return { kind: 'success', fields, ...(first && typeof first === 'object' && !Array.isArray(first) ? { hbinfo: flat(first) } : {}) };
  }
  const code = fields.err_code ?? '';
  const message = fields.err_code_des ?? fields.return_msg ?? '';
  if (code === 'NOT_FOUND') return { kind: 'not-found', message };
  if (THROTTLES.has(code)) return { kind: 'throttled', code };
  if (REJECTIONS.has(code)) return { kind: 'rejected', code, message };
  // SYSTEMERROR, PROCESSING and anything new: the packet may exist.
  return unknown('server-error', `${code || 'no err_code'}: ${message}`);
}

function flat(o: XmlObject): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') out[k] = v;
  return out;
}

function nonceStr(): string {
  return randomBytes(16).toString('hex');
}
