import { createHash } from 'node:crypto';
import type { PayClient } from '../pay/client';
import type { Payout, PayoutStore } from './payoutStore';
import type { PayoutPorts } from './processPayout';

/** What an operator's retry or cancel needs; `pay` is undefined where WeChat Pay is not configured. */
export interface OperatorPorts {
  payouts: PayoutStore;
  pay: () => Promise<Pick<PayClient, 'queryTransferBill' | 'queryRedpack'> | undefined>;
  clock: { now(): number };
  refundWithdrawal: PayoutPorts['refundWithdrawal'];
  /** Hands an order to the payout worker (the queue); the reconciliation catches a lost hand-off. */
  onPayoutOrdered?: (ref: string) => Promise<void>;
}

export type RetryResult =
  | { status: 'requeued'; payout: Payout }
  | { status: 'reordered' | 'already-reordered'; payout: Payout; previous: Payout }
  | { status: 'refunded-to-wallet'; payout: Payout; now: boolean }
  | { status: 'still-open-at-wechat-pay'; payout: Payout; wechatPayState: string }
  | { status: 'unverified'; payout: Payout; reason: string }
  | { status: 'in-flight' | 'conflict'; payout: Payout }
  | { status: 'not-retryable'; payout: Payout }
  | { status: 'missing' };

export type CancelResult =
  | { status: 'cancelled'; payout: Payout; refundedToWallet: boolean }
  | { status: 'already-cancelled'; payout: Payout }
  | { status: 'exists-at-wechat-pay'; payout: Payout; wechatPayState: string }
  | { status: 'unverified'; payout: Payout; reason: string }
  | { status: 'in-flight' | 'conflict'; payout: Payout }
  | { status: 'not-cancellable'; payout: Payout }
  | { status: 'missing' };

/** A retry's ref, derived from the failed one: retrying the same failed order twice makes one new order. 32 (transfer) or 28 (red packet) letters and digits. */
export function retryRefOf(p: Pick<Payout, 'ref' | 'mode'>): string {
  const length = p.mode === 'transfer' ? 32 : 28;
  return `R${createHash('sha256')
    .update(`retry\n${p.ref}`)
    .digest('hex')
    .toUpperCase()
    .slice(0, length - 1)}`;
}

const leased = (p: Payout, now: number) => (p.leaseUntil ?? 0) > now;

/**
 * held or pending → pending now (the worker sends it at once, same ref). failed → a new order under a
 * new ref linked to the old one, only once WeChat Pay verifiably holds nothing that could still pay
 * under the old ref (FAIL / CANCELLED / FAILED / REFUND, or no record at all). A failed withdrawal is
 * never re-sent: its money is back in the member's wallet.
 */
export async function retryPayout(ports: OperatorPorts, ref: string): Promise<RetryResult> {
  const p = await ports.payouts.get(ref);
  if (!p) return { status: 'missing' };
  const now = ports.clock.now();
  if (p.state === 'held' || p.state === 'pending') {
    if (leased(p, now)) return { status: 'in-flight', payout: p };
    const moved = await ports.payouts.update(ref, { state: 'pending', nextAttemptAt: now }, now, { state: p.state, attempts: p.attempts, noLeaseAt: now });
    if (!moved) return { status: 'conflict', payout: p };
    await ports.onPayoutOrdered?.(ref).catch(() => undefined);
    return { status: 'requeued', payout: (await ports.payouts.get(ref))! };
  }
  if (p.state !== 'failed') return { status: 'not-retryable', payout: p };
  if (p.retriedAs) return alreadyReordered(ports, p);
  // The member was erased: nobody to pay, no wallet to refund.
  if (p.erasedAt) return { status: 'not-retryable', payout: p };
  if (p.source === 'withdrawal') {
    if (p.refundedAt) return { status: 'refunded-to-wallet', payout: p, now: false };
    await ports.refundWithdrawal(p, now, 'withdrawal failed');
    return { status: 'refunded-to-wallet', payout: (await ports.payouts.get(ref))!, now: true };
  }
  const there = await lookUp(ports, p);
  if (there.kind === 'unverified') return { status: 'unverified', payout: p, reason: there.reason };
  if (there.kind === 'found' && !there.failed) return { status: 'still-open-at-wechat-pay', payout: p, wechatPayState: there.state };
  const newRef = retryRefOf(p);
  if ((await ports.payouts.createRetry(p, newRef, now)) === 'exists') {
    const again = (await ports.payouts.get(ref))!;
    return again.retriedAs ? alreadyReordered(ports, again) : { status: 'conflict', payout: again };
  }
  await ports.onPayoutOrdered?.(newRef).catch(() => undefined);
  return { status: 'reordered', payout: (await ports.payouts.get(newRef))!, previous: (await ports.payouts.get(ref))! };
}

async function alreadyReordered(ports: OperatorPorts, p: Payout): Promise<RetryResult> {
  return { status: 'already-reordered', payout: (await ports.payouts.get(p.retriedAs!))!, previous: p };
}

type AtWeChatPay = { kind: 'absent' } | { kind: 'found'; state: string; failed: boolean } | { kind: 'unverified'; reason: string };
/** States after which a ref can never pay again. */
const FAILED_THERE = new Set(['FAIL', 'CANCELLED', 'FAILED', 'REFUND']);

/** What WeChat Pay holds under the order's ref; only a verified answer counts. */
async function lookUp(ports: OperatorPorts, p: Payout): Promise<AtWeChatPay> {
  let pay: Awaited<ReturnType<OperatorPorts['pay']>>;
  try {
    pay = await ports.pay();
  } catch (err) {
    return { kind: 'unverified', reason: `the WeChat Pay client could not start: ${(err as Error).message}` };
  }
  if (!pay) return { kind: 'unverified', reason: 'WeChat Pay is not configured here' };
  const q = p.mode === 'transfer' ? await pay.queryTransferBill(p.ref) : await pay.queryRedpack(p.ref);
  if (q.kind === 'not-found') return { kind: 'absent' };
  if (q.kind !== 'found') return { kind: 'unverified', reason: q.kind === 'unknown' ? `${q.cause}: ${q.reason}` : `${q.kind}: ${q.code}` };
  const state = 'state' in q ? q.state : q.status;
  return { kind: 'found', state, failed: FAILED_THERE.has(state) };
}

/**
 * A held or pending order that WeChat Pay does not have → cancelled, final. A held order was refused
 * at its last send (a refusal means no bill exists under its ref); a pending one that was ever sent is
 * queried first, since its answer may have been lost. No send may be in flight. A cancelled withdrawal
 * goes back to the member's wallet, once.
 */
export async function cancelPayout(ports: OperatorPorts, ref: string, reason: string): Promise<CancelResult> {
  const p = await ports.payouts.get(ref);
  if (!p) return { status: 'missing' };
  if (p.state === 'cancelled') return { status: 'already-cancelled', payout: p };
  if (p.state !== 'held' && p.state !== 'pending') return { status: 'not-cancellable', payout: p };
  if (leased(p, ports.clock.now())) return { status: 'in-flight', payout: p };
  if (p.state === 'pending' && p.attempts > 0) {
    const there = await lookUp(ports, p);
    if (there.kind === 'unverified') return { status: 'unverified', payout: p, reason: there.reason };
    if (there.kind === 'found') return { status: 'exists-at-wechat-pay', payout: p, wechatPayState: there.state };
  }
  const now = ports.clock.now();
  const moved = await ports.payouts.update(ref, { state: 'cancelled', cancelledAt: new Date(now).toISOString(), cancelReason: reason }, now, {
    state: p.state,
    attempts: p.attempts,
    noLeaseAt: now,
  });
  if (!moved) return { status: 'conflict', payout: (await ports.payouts.get(ref)) ?? p };
  if (p.source === 'withdrawal') await ports.refundWithdrawal(p, now, 'withdrawal cancelled');
  return { status: 'cancelled', payout: (await ports.payouts.get(ref))!, refundedToWallet: p.source === 'withdrawal' };
}
