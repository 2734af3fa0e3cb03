import type { Level } from '../levels/levels';
import { upgradeEffects } from '../levels/upgrade';
import { expiryMarker, type MemberPatch } from '../table';
import { expiryDayFor, lotsAfter, NEVER, type ExpiryPolicy } from './pointLots';
import { lifetimeDelta, type PointsChange } from './points';
import type { PointsPlan } from './pointsLedger';
import type { Member } from './member';

export interface PlanContext {
  levels: readonly Level[];
  policy: ExpiryPolicy;
  timeZone: string;
  nowMs: number;
}

/** The member as the points ledger reads it: lifetime points counted from 0. */
export type LedgerMember = Member & { lifetimePoints: number };

/**
 * Everything one points change writes besides the ledger entry: the lots it fills or drains, the
 * expiry index entry for a new lot, and a level upgrade when lifetime points cross a threshold.
 */
export function planPointsChange(ctx: PlanContext, member: LedgerMember, change: PointsChange, memberSet: MemberPatch = {}): PointsPlan {
  const at = new Date(ctx.nowMs).toISOString();
  const expiryDay = expiryDayFor(ctx.policy, ctx.nowMs, ctx.timeZone);
  const upgrade = upgradeEffects(ctx.levels, member, member.lifetimePoints + lifetimeDelta(change), at);
  const puts = [...(upgrade.puts ?? [])];
  if (change.delta > 0 && expiryDay !== NEVER) puts.push(expiryMarker(expiryDay, member.openid));
  return {
    change,
    memberSet: { ...memberSet, ...upgrade.memberSet, pointLots: lotsAfter(member.pointLots ?? {}, change.delta, expiryDay) },
    puts,
  };
}
