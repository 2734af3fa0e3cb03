import { randomUUID } from 'node:crypto';
import { platformSignature, sealResource } from './pay-crypto';
import { rfc3339, type PayContext } from './pay-context';
import type { NotificationAttempt, TransferBill } from './pay-ledger';

/**
 * MCHTRANSFER.BILL.FINISHED, as WeChat Pay sends it when a bill reaches SUCCESS, FAIL or CANCELLED:
 * a JSON envelope whose resource is AES-256-GCM sealed with the APIv3 key, the whole body signed
 * with the platform key. One attempt per call; `POST /sandbox/pay/transfer-bills/{no}/notify`
 * repeats it the way WeChat Pay's retries would.
 */
/** Fields a test may make the callback lie about (see `POST /sandbox/pay/transfer-bills/{no}/notify`). */
export type ResourceOverride = Partial<{ mch_id: string; transfer_amount: number; openid: string }>;

export async function notifyTransferBill(ctx: PayContext, bill: TransferBill, override: ResourceOverride = {}): Promise<NotificationAttempt> {
  const id = ctx.identity();
  const url = bill.notifyUrl ?? id.notifyUrl;
  const now = ctx.state.now();
  const resource = {
    out_bill_no: bill.outBillNo,
    transfer_bill_no: bill.transferBillNo,
    state: bill.state,
    mch_id: id.mchid,
    transfer_amount: bill.amountFen,
    openid: bill.openid,
    ...(bill.failReason ? { fail_reason: bill.failReason } : {}),
    create_time: rfc3339(bill.createdAt),
    update_time: rfc3339(bill.updatedAt),
    ...override,
  };
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: rfc3339(now),
    resource_type: 'encrypt-resource',
    event_type: 'MCHTRANSFER.BILL.FINISHED',
    summary: '商家转账单据终态通知',
    resource: { original_type: 'mch_payment', ...sealResource(JSON.stringify(resource), id.apiV3Key, 'mch_payment') },
  });
  const headers = { 'content-type': 'application/json', ...platformSignature(body, now, id.platformKey, id.platformPublicKeyId) };
  let attempt: NotificationAttempt;
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(ctx.callbackTimeoutMs) });
    await res.arrayBuffer();
    attempt = { at: now, url, status: res.status, ...(res.status === 200 || res.status === 204 ? {} : { error: `callback answered HTTP ${res.status}` }) };
  } catch (err) {
    const e = err as Error;
    attempt = {
      at: now,
      url,
      status: 0,
      error: e.name === 'TimeoutError' ? `no answer within ${ctx.callbackTimeoutMs} ms` : `cannot reach ${url}: ${e.message}`,
    };
  }
  bill.notifications.push(attempt);
  return attempt;
}
