import { parseXml, type XmlObject } from '../lib/wechat/xml';
import { v2Signature } from './pay-crypto';
import { chinaDay, DAY_MS, rfc3339, yuan, type PayContext } from './pay-context';
import type { Redpack } from './pay-ledger';

/**
 * Classic cash red packets (APIv2 XML): `sendredpack` puts a packet into the follower's chat,
 * `gethbinfo` reports it. WeChat's rules: 1–200 CNY, one packet per call, at most 10 per follower
 * per day, the same mch_billno answers the same packet (other content under it: FATAL_ERROR); a
 * packet nobody opens within 24 h is refunded. The answers are unsigned, as WeChat's are.
 */
export type V2Fields = Record<string, string | number>;

const MCH_BILLNO = /^[A-Za-z0-9]{1,28}$/;
const MIN_FEN = 100;
const MAX_FEN = 20_000;
const PER_FOLLOWER_PER_DAY = 10;

type Request = { ok: true; f: Record<string, string> } | { ok: false; answer: V2Fields };

/** Parses and authenticates an APIv2 body (strict XML reader, sign over every field). */
function readRequest(ctx: PayContext, rawBody: string, appidField: 'wxappid' | 'appid'): Request {
  const id = ctx.identity();
  let root: XmlObject;
  try {
    root = parseXml(rawBody).value;
  } catch (err) {
    return { ok: false, answer: failure('XML_ERROR', `XML 格式错误：${(err as Error).message}`) };
  }
  const f: Record<string, string> = {};
  for (const [k, v] of Object.entries(root)) if (typeof v === 'string') f[k] = v;
  const type = f.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
  if (!f.sign || f.sign !== v2Signature(f, id.v2Key, type)) return { ok: false, answer: failure('SIGN_ERROR', '签名错误') };
  if (f.mch_id !== id.mchid) return { ok: false, answer: failure('PARAM_ERROR', 'mch_id 与商户号不一致') };
  if (f[appidField] !== id.appid) return { ok: false, answer: failure('MSGAPPID_ERROR', `${appidField} 不是商户绑定的 AppID`) };
  if (!f.mch_billno || !MCH_BILLNO.test(f.mch_billno)) return { ok: false, answer: failure('PARAM_ERROR', 'mch_billno 须为 1–28 位数字和字母') };
  return { ok: true, f };
}

export function sendRedpack(ctx: PayContext, rawBody: string): V2Fields {
  const read = readRequest(ctx, rawBody, 'wxappid');
  if (!read.ok) return read.answer;
  const f = read.f;
  for (const field of ['send_name', 're_openid', 'wishing', 'client_ip', 'act_name', 'remark', 'nonce_str'] as const) {
    if (!f[field]) return failure('PARAM_ERROR', `${field} 必填`);
  }
  if (f.total_num !== '1') return failure('PARAM_ERROR', '普通红包 total_num 须为 1');
  const amount = Number(f.total_amount);
  if (!/^\d+$/.test(f.total_amount ?? '') || !Number.isSafeInteger(amount)) return failure('PARAM_ERROR', 'total_amount 须为整数（分）');
  const fingerprint = JSON.stringify([f.re_openid, amount, f.send_name, f.wishing, f.act_name, f.remark, f.scene_id ?? '']);
  const earlier = ctx.ledger.redpacks.get(f.mch_billno!);
  if (earlier) {
    if (earlier.fingerprint !== fingerprint) return failure('FATAL_ERROR', 'openid 和原始单参数不一致');
    return sent(ctx, earlier);
  }
  if (amount < MIN_FEN || amount > MAX_FEN) return failure('MONEY_LIMIT', '每个红包的金额必须在 1–200 元之间');
  const follower = ctx.state.followers.get(f.re_openid!);
  if (!follower) return failure('OPENID_ERROR', 'openid 和 appid 不匹配');
  const now = ctx.state.now();
  const today = [...ctx.ledger.redpacks.values()].filter((r) => r.openid === follower.openid && chinaDay(r.sentAt) === chinaDay(now)).length;
  if (today >= PER_FOLLOWER_PER_DAY) return failure('SENDNUM_LIMIT', `该用户今日领取红包个数超过限制（${PER_FOLLOWER_PER_DAY} 个）`);
  if (amount > ctx.ledger.balanceFen) return failure('NOTENOUGH', '帐号余额不足，请到商户平台充值后再重试');
  ctx.ledger.balanceFen -= amount;
  const packet: Redpack = {
    mchBillno: f.mch_billno!,
    detailId: ctx.ledger.newDetailId(),
    openid: follower.openid,
    amountFen: amount,
    sendName: f.send_name!,
    wishing: f.wishing!,
    actName: f.act_name!,
    remark: f.remark!,
    fingerprint,
    status: 'SENT',
    sentAt: now,
  };
  ctx.ledger.redpacks.set(packet.mchBillno, packet);
  ctx.state.append(packet.openid, {
    direction: 'in',
    channel: 'redpacket',
    msgType: 'redpacket',
    title: packet.sendName,
    content: packet.wishing,
    amountFen: packet.amountFen,
    payment: { kind: 'redpack', billNo: packet.mchBillno, state: packet.status },
  });
  return sent(ctx, packet);
}

export function getHbInfo(ctx: PayContext, rawBody: string): V2Fields | { fields: V2Fields; hbinfo: V2Fields } {
  const read = readRequest(ctx, rawBody, 'appid');
  if (!read.ok) return read.answer;
  if (read.f.bill_type !== 'MCHT') return failure('PARAM_ERROR', 'bill_type 须为 MCHT');
  const p = ctx.ledger.redpacks.get(read.f.mch_billno!);
  if (!p) return failure('NOT_FOUND', '指定单号数据不存在');
  const fields: V2Fields = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    result_code: 'SUCCESS',
    err_code: 'SUCCESS',
    err_code_des: 'OK',
    mch_billno: p.mchBillno,
    mch_id: ctx.identity().mchid,
    detail_id: p.detailId,
    status: p.status,
    send_type: 'API',
    hb_type: 'NORMAL',
    total_num: 1,
    total_amount: p.amountFen,
    send_time: chinaTime(p.sentAt),
    ...(p.refundedAt !== undefined ? { refund_time: chinaTime(p.refundedAt), refund_amount: p.amountFen } : {}),
    wishing: p.wishing,
    remark: p.remark,
    act_name: p.actName,
  };
  const hbinfo: V2Fields = { openid: p.openid, amount: p.amountFen, rcv_time: p.receivedAt !== undefined ? chinaTime(p.receivedAt) : '' };
  return { fields, hbinfo };
}

/** The follower opens the packet in the chat. */
export function openRedpack(ctx: PayContext, mchBillno: string): { ok: true; packet: Redpack } | { ok: false; status: number; error: string } {
  refundExpiredRedpacks(ctx);
  const p = ctx.ledger.redpacks.get(mchBillno);
  if (!p) return { ok: false, status: 404, error: `no red packet ${mchBillno}` };
  if (p.status !== 'SENT') return { ok: false, status: 409, error: `red packet ${mchBillno} is ${p.status}, not SENT` };
  p.status = 'RECEIVED';
  p.receivedAt = ctx.state.now();
  ctx.state.append(p.openid, {
    direction: 'in',
    channel: 'redpacket',
    msgType: 'redpacket-status',
    content: `你领取了${p.sendName}的红包 ${yuan(p.amountFen)}`,
    amountFen: p.amountFen,
    payment: { kind: 'redpack', billNo: p.mchBillno, state: p.status },
  });
  return { ok: true, packet: p };
}

/** Packets unopened for 24 h of sandbox time go back to the merchant. */
export function refundExpiredRedpacks(ctx: PayContext): void {
  const now = ctx.state.now();
  for (const p of ctx.ledger.redpacks.values()) {
    if (p.status !== 'SENT' || now - p.sentAt < DAY_MS) continue;
    p.status = 'REFUND';
    p.refundedAt = now;
    ctx.ledger.balanceFen += p.amountFen;
    ctx.state.append(p.openid, {
      direction: 'in',
      channel: 'redpacket',
      msgType: 'redpacket-status',
      content: `红包超过 24 小时未领取，${yuan(p.amountFen)} 已退回`,
      amountFen: p.amountFen,
      payment: { kind: 'redpack', billNo: p.mchBillno, state: p.status },
    });
  }
}

function sent(ctx: PayContext, p: Redpack): V2Fields {
  const id = ctx.identity();
  return {
    return_code: 'SUCCESS',
    return_msg: '发放成功',
    result_code: 'SUCCESS',
    err_code: 'SUCCESS',
    err_code_des: '发放成功',
    mch_billno: p.mchBillno,
    mch_id: id.mchid,
    wxappid: id.appid,
    re_openid: p.openid,
    total_amount: p.amountFen,
    send_listid: p.detailId,
  };
}

export function failure(errCode: string, description: string): V2Fields {
  return { return_code: 'SUCCESS', return_msg: description, result_code: 'FAIL', err_code: errCode, err_code_des: description };
}

/** gethbinfo writes times as `2015-04-21 20:00:00`, China time. */
function chinaTime(ms: number): string {
  return rfc3339(ms).slice(0, 19).replace('T', ' ');
}
