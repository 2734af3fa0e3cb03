/** Points: an append-only ledger per member; the balance on the profile is its running sum. */
export type PointsKind = 'grant' | 'redeem' | 'expire' | 'signin' | 'adjust';

export interface PointsChange {
  delta: number;
  reason: string;
  /** The same key twice changes the balance once. */
  idempotencyKey: string;
  kind: PointsKind;
}

export interface PointsEntry extends PointsChange {
  openid: string;
  at: string;
  balanceAfter: number;
}

export type PointsResult =
  | { status: 'applied'; entry: PointsEntry; member: { points: number; lifetimePoints: number; level: string } }
  | { status: 'duplicate'; entry: PointsEntry }
  | { status: 'insufficient'; balance: number }
  | { status: 'no-member' };

/**
 * Lifetime points (what levels grow on) count what was earned, not what was spent or expired:
 * redeeming a coupon should not cost a member their level.
 */
export function lifetimeDelta(change: Pick<PointsChange, 'delta' | 'kind'>): number {
  return change.delta > 0 && change.kind !== 'redeem' ? change.delta : 0;
}
