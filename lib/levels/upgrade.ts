import { serviceEventIndex } from '../notices/serviceEvents';
import type { PointsPlan } from '../members/pointsLedger';
import { levelKey } from '../segments/shard';
import { levelFor, rankOf, type Level } from './levels';

/**
 * What an upgrade writes, inside the same atomic write as the points change that caused it: the new
 * level on the profile, a level-history entry and a queued level-change notice (sent by broadcasts).
 * Levels never drop through evaluation: lifetime points and spend only grow.
 */
export function upgradeEffects(levels: readonly Level[], member: { openid: string; level: string; spendFen?: number }, lifetimePoints: number, at: string): Pick<PointsPlan, 'memberSet' | 'puts'> {
  const target = levelFor(levels, lifetimePoints, member.spendFen ?? 0);
  if (rankOf(levels, target.name) <= rankOf(levels, member.level)) return {};
  const pk = `MEMBER#${member.openid}`;
  return {
    memberSet: { level: target.name, levelChangedAt: at, gsi1pk: levelKey(target.name, member.openid), gsi1sk: member.openid },
    puts: [
      { pk, sk: `LEVEL#${at}`, from: member.level, to: target.name, at },
      // Pending notices are indexed by time until a re-engagement rule sends them (lib/reengage).
      { pk, sk: `NOTICE#${at}#level-changed`, type: 'level-changed', status: 'pending', data: { from: member.level, to: target.name }, at, openid: member.openid, ...serviceEventIndex('LEVELNOTICE', member.openid, at) },
    ],
  };
}
