/**
 * pending: not yet accepted by WeChat Pay, or the answer was lost (it may exist there);
 * held: WeChat Pay refused it for a reason that can clear (balance, limits); nothing exists there,
 * the reconciliation retries it with backoff under the same ref;
 * awaiting-confirmation: the follower has to confirm the transfer; processing / sent: WeChat Pay has it;
 * paid / failed / cancelled: final.
 */
export const PAYOUT_STATES = ['pending', 'held', 'awaiting-confirmation', 'processing', 'sent', 'paid', 'failed', 'cancelled'] as const;
export type PayoutOrderState = (typeof PAYOUT_STATES)[number];
export const FINAL_STATES: readonly PayoutOrderState[] = ['paid', 'failed', 'cancelled'];
export const isFinal = (s: PayoutOrderState) => FINAL_STATES.includes(s);

/**
 * A payout order. `ref` is the out_bill_no (transfer) or mch_billno (redpack), fixed when the order
 * is stored and never changed, whatever happens to the calls that use it.
 */
export interface Payout {
  ref: string;
  mode: 'transfer' | 'redpack';
  source?: 'withdrawal';
  /** Absent once the member was erased (`erasedAt`): only on orders WeChat Pay has, or final ones (lib/payouts/payoutErasure.ts). */
  openid?: string;
  amountFen: number;
  campaignId?: string;
  campaignName: string;
  day?: string;
  state: PayoutOrderState;
  /** Steps taken; every write of a step is conditional on the state and attempts the step read. */
  attempts: number;
  nextAttemptAt?: number;
  /** A send to WeChat Pay is in flight until then (set before the call, cleared by its outcome). */
  leaseUntil?: number;
  lastError?: string;
  /** Why WeChat Pay refused it, while held (`NOT_ENOUGH: …`). */
  holdReason?: string;
  transferBillNo?: string;
  packageInfo?: string;
  failReason?: string;
  confirmSentAt?: string;
  refundedAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
  /** An operator's retry of a failed order: the new order's ref, and on the new order the old one's. */
  retriedAs?: string;
  retryOf?: string;
  /** When the member was erased: the order stays as an accounting line without the openid. */
  erasedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Whom a send pays. Only an order WeChat Pay has, or a final one, loses its openid to an erasure
 * (lib/payouts/payoutErasure.ts cancels every other order first), so an order being sent has one.
 */
export function payeeOf(p: Pick<Payout, 'ref' | 'openid'>): string {
  if (p.openid === undefined) throw new Error(`payout ${p.ref}: its member was erased; it cannot be sent`);
  return p.openid;
}
