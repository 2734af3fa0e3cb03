import type { MemberPatch } from '../table';
import type { Member } from './member';
import type { PointsChange, PointsEntry, PointsResult } from './points';

export interface LedgerPage {
  entries: PointsEntry[];
  cursor?: string;
}

/** What a points change does, decided from the member as read (so streaks and levels are exact). */
export interface PointsPlan {
  change: PointsChange;
  /** Extra attributes set on the member profile in the same atomic write. */
  memberSet?: MemberPatch;
  /** Extra items written in the same atomic write (level history, a queued notice…). */
  puts?: { pk: string; sk: string; [attr: string]: unknown }[];
}

export type PlanPoints = (member: Member & { lifetimePoints: number }) => PointsPlan;

export interface PointsLedger {
  /**
   * Applies one change exactly once: balance and ledger move together or not at all, a repeated
   * idempotency key returns the first result, and a change that would go below zero is refused.
   */
  apply(openid: string, plan: PlanPoints, nowMs: number): Promise<PointsResult>;
  list(openid: string, opts: { limit: number; cursor?: string }): Promise<LedgerPage>;
}
