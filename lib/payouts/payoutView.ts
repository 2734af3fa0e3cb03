import type { Payout } from './payoutStore';

/** An order as operators see it: times as ISO strings, the send lease as whether a send is in flight. */
export function payoutView(p: Payout, nowMs: number) {
  const { leaseUntil, nextAttemptAt, ...rest } = p;
  return { ...rest, nextAttemptAt: nextAttemptAt ? new Date(nextAttemptAt).toISOString() : null, sendInFlight: (leaseUntil ?? 0) > nowMs };
}

export type PayoutView = ReturnType<typeof payoutView>;
