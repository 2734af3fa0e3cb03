import type { ItemType } from './itemType';
import { memberPk } from './members';

/** Daily numbers: counter items per day, spread over shards (`STATS#<day>` / `SHARD#<n>`). */
export const statsPk = (day: string) => `STATS#${day}`;
export const statsShardKey = (day: string, shard: number) => ({ pk: statsPk(day), sk: `SHARD#${shard}` });
/** "Active on this day", once per member and day (TTL after three days). */
export const activeDayKey = (openid: string, day: string) => ({ pk: memberPk(openid), sk: `ACTIVE#${day}` });

/** Sharded counters (a broadcast's progress, a re-engagement rule's numbers): `COUNT#<shard>` in their owner's partition. */
export const COUNTER_PREFIX = 'COUNT#';
export const counterSk = (shard: number) => `${COUNTER_PREFIX}${shard}`;

/** Re-engagement: per rule, sharded counters and the days it ran; per member, the rule's cooldown. */
export const reengagePk = (ruleId: string) => `REENGAGE#${ruleId}`;
export const reengageCounterKey = (ruleId: string, shard: number) => ({ pk: reengagePk(ruleId), sk: counterSk(shard) });
export const reengageRunKey = (ruleId: string, day: string) => ({ pk: reengagePk(ruleId), sk: `RUN#${day}` });
export const reengagedKey = (openid: string, ruleId: string) => ({ pk: memberPk(openid), sk: `REENGAGED#${ruleId}` });

/** A shared rate limit's state (the token bucket's theoretical arrival time). */
export const rateStateKey = (name: string) => ({ pk: `RATE#${name}`, sk: 'STATE' });

export const activityItemTypes = (): readonly ItemType[] => [
  { name: 'daily counters', key: 'STATS#<day> / SHARD#<n>', names: [], example: statsShardKey('2026-01-01', 1), writtenBy: 'lib/stats/dynamoStatsStore.ts' },
  {
    name: 'active-day marker',
    key: 'MEMBER#<openid> / ACTIVE#<day>',
    names: ['openid'],
    example: activeDayKey('o', '2026-01-01'),
    writtenBy: 'lib/stats/dynamoStatsStore.ts (active-day markers)',
  },
  {
    name: 're-engagement counter',
    key: 'REENGAGE#<rule> / COUNT#<shard>',
    names: [],
    example: reengageCounterKey('r', 0),
    writtenBy: 'lib/reengage/touchStore.ts',
  },
  {
    name: 're-engagement run',
    key: 'REENGAGE#<rule> / RUN#<day>',
    names: [],
    example: reengageRunKey('r', '2026-01-01'),
    writtenBy: 'lib/reengage/touchStore.ts',
  },
  {
    name: 're-engagement cooldown',
    key: 'MEMBER#<openid> / REENGAGED#<rule>',
    names: ['openid'],
    example: reengagedKey('o', 'r'),
    writtenBy: 'lib/reengage/touchStore.ts (re-engagement cooldowns)',
  },
  { name: 'rate limit state', key: 'RATE#<name> / STATE', names: [], example: rateStateKey('wechatpay'), writtenBy: 'lib/ratelimit/dynamoRateState.ts' },
];
