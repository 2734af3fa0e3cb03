import type { PointsPlan } from '../members/pointsLedger';
import { levelHistoryKey, levelKey, levelNoticeKey, serviceEventIndex } from '../table';
import { levelFor, rankOf, type Level } from './levels';

/**
 * What an upgrade writes, inside the same atomic write as the points change that caused it: the new
 * level on the profile, a level-history entry and a queued level-change notice (sent by broadcasts).
 * Levels never drop through evaluation: lifetime points and spend only grow.
 */
export function upgradeEffects(
  levels: readonly Level[],
  member: { openid: string; level: string; spendFen?: number },
  lifetimePoints: number,
  at: string,
): Pick<PointsPlan, 'memberSet' | 'puts'> {
  const target = levelFor(levels, lifetimePoints, member.spendFen ?? 0);
  if (rankOf(levels, target.name) <= rankOf(levels, member.level)) return {};
  return {
    memberSet: { level: target.name, levelChangedAt: at, gsi1pk: levelKey(target.name, member.openid), gsi1sk: member.openid },
    puts: [
      { ...levelHistoryKey(member.openid, at), from: member.level, to: target.name, at },
      // Pending notices are indexed by time until a re-engagement rule sends them (lib/reengage).
      {
        ...levelNoticeKey(member.openid, at),
        type: 'level-changed',
        status: 'pending',
        data: { from: member.level, to: target.name },
        at,
        openid: member.openid,
        ...serviceEventIndex('LEVELNOTICE', member.openid, at),
      },
    ],
  };
}
