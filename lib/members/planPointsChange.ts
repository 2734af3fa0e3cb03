import type { Level } from '../levels/levels';
import { upgradeEffects } from '../levels/upgrade';
import { shardOf } from '../segments/shard';
import { expiryDayFor, lotsAfter, NEVER, type ExpiryPolicy, type Lots } from './pointLots';
import { lifetimeDelta, type PointsChange } from './points';
import type { PointsPlan } from './pointsLedger';
import type { Member } from './member';

export interface PlanContext {
  levels: readonly Level[];
  policy: ExpiryPolicy;
  timeZone: string;
  nowMs: number;
}

export type LedgerMember = Member & { lifetimePoints: number; pointLots?: Lots; spendFen?: number };

/**
 * "This member holds a lot expiring on `day`": an item in the member's partition (so erasure removes
 * it with the member), indexed on gsi1 by day and shard (so the expiry run finds members without a scan).
 */
export const expiryMarkerKey = (day: string, openid: string) => ({ pk: `MEMBER#${openid}`, sk: `EXPIRY#${day}` });
export const expiryIndexPk = (day: string, shard: number) => `EXPIRY#${day}#${shard}`;
export const expiryMarker = (day: string, openid: string) => ({ ...expiryMarkerKey(day, openid), gsi1pk: expiryIndexPk(day, shardOf(openid)), gsi1sk: openid, openid, day });

/**
 * Everything one points change writes besides the ledger entry: the lots it fills or drains, the
 * expiry index entry for a new lot, and a level upgrade when lifetime points cross a threshold.
 */
export function planPointsChange(ctx: PlanContext, member: LedgerMember, change: PointsChange, memberSet: Record<string, unknown> = {}): PointsPlan {
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
