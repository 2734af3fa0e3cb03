import { ownValue } from '../lib/records/own';
import { randomBytes } from 'node:crypto';
import { openSensitive } from './pay-crypto';
import { DAY_MS, rfc3339, v3Error, yuan, type PayContext, type V3Answer } from './pay-context';
import type { NotificationAttempt, TransferBill, TransferState } from './pay-ledger';
import { notifyTransferBill } from './pay-notify';

/**
 * Merchant transfers (商家转账, user-confirmation mode) as WeChat Pay runs them: a bill starts in
 * WAIT_USER_CONFIRM with a package_info; the follower confirms (SUCCESS) or turns it down
 * (CANCELLED) through sandbox controls standing in for the H5 page; unconfirmed for 24 h of sandbox
 * time it fails (FAIL, OVERDUE_CLOSE). Each end is notified to the bill's notify_url.
 */
const OUT_BILL_NO = /^[A-Za-z0-9]{1,32}$/;
const MIN_FEN = 10;
/** From 2,000 CNY WeChat Pay wants the payee's real name. */
const NAME_FROM_FEN = 200_000;
const SCENES: Record<string, string[]> = { '1000': ['活动名称', '奖励说明'] };

export function createBill(ctx: PayContext, body: unknown, platformSerialHeader: string | undefined): V3Answer {
  const id = ctx.identity();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return v3Error(400, 'PARAM_ERROR', '请求体必须是 JSON 对象');
  const b = body as Record<string, unknown>;
  const bad = (field: string, why: string) => v3Error(400, 'PARAM_ERROR', `${field}: ${why}`);
  if (b.appid !== id.appid) return bad('appid', `不是商户 ${id.mchid} 绑定的 AppID`);
  if (typeof b.out_bill_no !== 'string' || !OUT_BILL_NO.test(b.out_bill_no)) return bad('out_bill_no', '须为 1–32 位数字和字母');
  if (typeof b.transfer_scene_id !== 'string') return bad('transfer_scene_id', '缺少');
  const required = ownValue(SCENES, b.transfer_scene_id);
  if (!required) return v3Error(403, 'NO_AUTH', `转账场景 ${b.transfer_scene_id} 未开通（沙箱只有 1000 现金营销）`);
  if (typeof b.openid !== 'string' || !ctx.state.followers.has(b.openid)) return bad('openid', '不是该 AppID 下的用户');
  if (!Number.isSafeInteger(b.transfer_amount)) return bad('transfer_amount', '须为整数（分）');
  const amount = b.transfer_amount as number;
  if (amount < MIN_FEN) return bad('transfer_amount', `最低 ${MIN_FEN} 分（0.1 元）`);
  if (typeof b.transfer_remark !== 'string' || b.transfer_remark.length === 0 || [...b.transfer_remark].length > 32)
    return bad('transfer_remark', '须为 1–32 个字符');
  if (b.notify_url !== undefined && (typeof b.notify_url !== 'string' || !/^https?:\/\/\S+$/.test(b.notify_url))) return bad('notify_url', '须为 URL');
  if (b.user_recv_perception !== undefined && typeof b.user_recv_perception !== 'string') return bad('user_recv_perception', '须为字符串');
  const infos = reportInfos(b.transfer_scene_report_infos, required);
  if (typeof infos === 'string') return bad('transfer_scene_report_infos', infos);
  let userName: string | undefined;
  if (b.user_name !== undefined) {
    if (platformSerialHeader !== id.platformPublicKeyId) return bad('Wechatpay-Serial', `加密字段须用 ${id.platformPublicKeyId} 加密并在请求头中注明`);
    const opened = typeof b.user_name === 'string' ? openSensitive(b.user_name, id.platformKey) : null;
    if (opened === null) return bad('user_name', '解密失败');
    userName = opened;
  } else if (amount >= NAME_FROM_FEN) return bad('user_name', '转账金额 ≥ 2000 元时必填');

  const fingerprint = JSON.stringify([
    b.appid,
    b.openid,
    amount,
    b.transfer_remark,
    b.transfer_scene_id,
    infos,
    b.notify_url ?? null,
    userName ?? null,
    b.user_recv_perception ?? null,
  ]);
  const earlier = ctx.ledger.transferBills.get(b.out_bill_no);
  if (earlier) {
    // The same request again (a retry) gets the same bill; other content under the same number is refused.
    if (earlier.fingerprint !== fingerprint) return v3Error(400, 'INVALID_REQUEST', `商户单号 ${earlier.outBillNo} 已存在，且请求参数与原单不一致`);
    return { status: 200, json: created(earlier) };
  }
  if (amount > ctx.ledger.balanceFen) return v3Error(403, 'NOT_ENOUGH', '商户运营账户资金不足');
  ctx.ledger.balanceFen -= amount;
  const now = ctx.state.now();
  const bill: TransferBill = {
    outBillNo: b.out_bill_no,
    transferBillNo: ctx.ledger.newTransferBillNo(),
    appid: id.appid,
    openid: b.openid,
    amountFen: amount,
    remark: b.transfer_remark,
    sceneId: b.transfer_scene_id,
    reportInfos: infos,
    ...(typeof b.notify_url === 'string' ? { notifyUrl: b.notify_url } : {}),
    ...(userName !== undefined ? { userName } : {}),
    ...(typeof b.user_recv_perception === 'string' ? { userRecvPerception: b.user_recv_perception } : {}),
    fingerprint,
    state: 'WAIT_USER_CONFIRM',
    packageInfo: `ABBQO+oYAAABAAAAAAB${randomBytes(36).toString('base64')}`,
    createdAt: now,
    updatedAt: now,
    notifications: [],
  };
  ctx.ledger.transferBills.set(bill.outBillNo, bill);
  ctx.state.append(bill.openid, {
    direction: 'in',
    channel: 'redpacket',
    msgType: 'redpacket',
    title: infos.find((i) => i.info_type === '活动名称')?.info_content ?? '',
    content: bill.remark,
    amountFen: bill.amountFen,
    payment: { kind: 'transfer', billNo: bill.outBillNo, state: bill.state },
  });
  return { status: 200, json: created(bill) };
}

export function queryBill(ctx: PayContext, outBillNo: string): V3Answer {
  const bill = ctx.ledger.transferBills.get(outBillNo);
  if (!bill) return v3Error(404, 'NOT_FOUND', '记录不存在');
  return {
    status: 200,
    json: {
      mch_id: ctx.identity().mchid,
      out_bill_no: bill.outBillNo,
      transfer_bill_no: bill.transferBillNo,
      appid: bill.appid,
      state: bill.state,
      transfer_amount: bill.amountFen,
      transfer_remark: bill.remark,
      ...(bill.failReason ? { fail_reason: bill.failReason } : {}),
      openid: bill.openid,
      create_time: rfc3339(bill.createdAt),
      update_time: rfc3339(bill.updatedAt),
    },
  };
}

export type Settlement = { ok: true; bill: TransferBill; notification?: NotificationAttempt } | { ok: false; status: number; error: string };

/**
 * The follower confirms (the H5 page's requestMerchantTransfer) or turns the bill down. `notify: false`
 * holds the callback back (WeChat Pay's is late or lost); `POST …/notify` sends it later.
 */
export async function settleBill(ctx: PayContext, outBillNo: string, decision: 'confirm' | 'reject', opts: { notify?: boolean } = {}): Promise<Settlement> {
  await expireBills(ctx);
  const bill = ctx.ledger.transferBills.get(outBillNo);
  if (!bill) return { ok: false, status: 404, error: `no transfer bill ${outBillNo}` };
  if (bill.state !== 'WAIT_USER_CONFIRM') return { ok: false, status: 409, error: `bill ${outBillNo} is ${bill.state}, not WAIT_USER_CONFIRM` };
  finish(ctx, bill, decision === 'confirm' ? 'SUCCESS' : 'CANCELLED');
  return { ok: true, bill, ...(opts.notify === false ? {} : { notification: await notifyTransferBill(ctx, bill) }) };
}

/**
 * Bills left unconfirmed for 24 h of sandbox time fail. Checked whenever the pay stand-in is used
 * (the clock only moves by `POST /sandbox/clock` or the injected clock); returns the callbacks sent.
 */
export function expireBills(ctx: PayContext): Promise<NotificationAttempt[]> {
  return Promise.all(expireBillsNow(ctx).map((bill) => notifyTransferBill(ctx, bill)));
}

function expireBillsNow(ctx: PayContext): TransferBill[] {
  const now = ctx.state.now();
  const expired = [...ctx.ledger.transferBills.values()].filter((b) => b.state === 'WAIT_USER_CONFIRM' && now - b.createdAt >= DAY_MS);
  for (const bill of expired) finish(ctx, bill, 'FAIL', 'OVERDUE_CLOSE');
  return expired;
}

function finish(ctx: PayContext, bill: TransferBill, state: TransferState, failReason?: string): void {
  bill.state = state;
  bill.updatedAt = ctx.state.now();
  if (failReason) bill.failReason = failReason;
  if (state !== 'SUCCESS') ctx.ledger.balanceFen += bill.amountFen;
  const text =
    state === 'SUCCESS'
      ? `已收款 ${yuan(bill.amountFen)}`
      : state === 'CANCELLED'
        ? `已拒收 ${yuan(bill.amountFen)}，款项退回商户`
        : `超过 24 小时未收款，${yuan(bill.amountFen)} 已退回商户`;
  ctx.state.append(bill.openid, {
    direction: 'in',
    channel: 'redpacket',
    msgType: 'redpacket-status',
    content: text,
    amountFen: bill.amountFen,
    payment: { kind: 'transfer', billNo: bill.outBillNo, state },
  });
}

function created(bill: TransferBill): Record<string, unknown> {
  return {
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    create_time: rfc3339(bill.createdAt),
    state: bill.state,
    ...(bill.state === 'WAIT_USER_CONFIRM' ? { package_info: bill.packageInfo } : {}),
    ...(bill.failReason ? { fail_reason: bill.failReason } : {}),
  };
}

function reportInfos(value: unknown, required: string[]): Array<{ info_type: string; info_content: string }> | string {
  if (!Array.isArray(value)) return '须为数组';
  const out: Array<{ info_type: string; info_content: string }> = [];
  for (const item of value) {
    const i = item as Record<string, unknown> | null;
    if (typeof i?.info_type !== 'string' || typeof i.info_content !== 'string' || i.info_content.trim() === '')
      return '每项须有 info_type 和非空的 info_content';
    out.push({ info_type: i.info_type, info_content: i.info_content });
  }
  const missing = required.filter((t) => !out.some((i) => i.info_type === t));
  return missing.length ? `缺少 ${missing.join('、')}` : out;
}
