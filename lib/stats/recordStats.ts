import { businessDay } from '../clock/timeZone';
import type { Interaction } from '../members/member';
import type { PointsLedger } from '../members/pointsLedger';
import { describeError, log } from '../observability/log';
import type { StatsStore } from './dailyStats';

/**
 * Counting is best effort after the fact: a failed counter write is logged and never fails the
 * follower's reply or the points change it describes.
 */
async function safely(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    log.warn(`stats: could not count ${what}`, describeError(err));
  }
}

/** Members this container already marked active today: their next messages skip the round trip. */
const MAX_REMEMBERED = 50_000;

/** New followers (by QR source), unfollows, and distinct active members per business day. */
export function interactionCounter(stats: StatsStore, timeZone: string) {
  let rememberedDay = '';
  const markedToday = new Set<string>();
  return (openid: string, interaction: Interaction) =>
    safely('an interaction', async () => {
      const day = businessDay(interaction.at, timeZone);
      if (day !== rememberedDay || markedToday.size > MAX_REMEMBERED) {
        rememberedDay = day;
        markedToday.clear();
      }
      const counts: Record<string, number> = {};
      if (interaction.kind === 'event' && interaction.event === 'subscribe') {
        counts.newFollowers = 1;
        if (interaction.scene) counts[`newFollowers:${interaction.scene}`] = 1;
      }
      if (interaction.kind === 'event' && interaction.event === 'unsubscribe') counts.unfollows = 1;
      else if (!markedToday.has(openid)) {
        if (await stats.markActive(day, openid)) counts.activeMembers = 1;
        markedToday.add(openid);
      }
      await stats.add(day, counts, openid);
    });
}

/** Wraps a ledger so every applied change counts points issued/redeemed, sign-ins and upgrades. */
export function countingLedger(ledger: PointsLedger, stats: StatsStore, timeZone: string): PointsLedger {
  return {
    list: (openid, opts) => ledger.list(openid, opts),
    async apply(openid, plan, nowMs) {
      let upgraded = false;
      const result = await ledger.apply(
        openid,
        (member) => {
          const p = plan(member);
          upgraded = p.memberSet?.level !== undefined && p.memberSet.level !== member.level;
          return p;
        },
        nowMs,
      );
      if (result.status === 'applied') {
        const { delta, kind } = result.entry;
        await safely('a points change', () =>
          stats.add(
            businessDay(nowMs, timeZone),
            {
              pointsIssued: delta > 0 && kind !== 'redeem' ? delta : 0,
              pointsRedeemed: kind === 'redeem' ? -delta : 0,
              signIns: kind === 'signin' ? 1 : 0,
              levelUpgrades: upgraded ? 1 : 0,
            },
            openid,
          ),
        );
      }
      return result;
    },
  };
}
