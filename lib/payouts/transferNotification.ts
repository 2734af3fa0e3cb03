import type { TransferBillFinished } from '../pay/notification';
import { applyTransferState, type PayoutPorts, type PayoutStep } from './processPayout';

export type NotificationOutcome =
  | { kind: 'applied'; step: PayoutStep }
  | { kind: 'unknown-order' }
  /** Authentic, yet not about this merchant or not what the order pays: nothing is changed. */
  | { kind: 'mismatch'; fields: ('mchid' | 'amount' | 'openid')[] };

/**
 * MCHTRANSFER.BILL.FINISHED, once its signature and GCM tag checked out: it only moves an order if it
 * names our merchant and pays exactly the follower and the amount the order says. A mismatch (a
 * misrouted callback, a key shared with another system, a tampered store) changes nothing.
 */
export async function applyTransferNotification(ports: PayoutPorts, bill: TransferBillFinished, ourMchid: string): Promise<NotificationOutcome> {
  const order = await ports.payouts.get(bill.outBillNo);
  const fields: ('mchid' | 'amount' | 'openid')[] = [];
  if (bill.mchid !== ourMchid) fields.push('mchid');
  if (order && bill.amountFen !== order.amountFen) fields.push('amount');
  // An erased member's order no longer names them: mchid and amount are what can be checked.
  if (order && !order.erasedAt && bill.openid !== order.openid) fields.push('openid');
  if (fields.length) return { kind: 'mismatch', fields };
  if (!order) return { kind: 'unknown-order' };
  return { kind: 'applied', step: await applyTransferState(ports, bill.outBillNo, bill.state, bill.failReason) };
}
