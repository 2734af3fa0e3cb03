import { businessDay, localParts } from '../../lib/clock/timeZone';

/**
 * A campaign whose round is open right now (whatever the time of day the tests run): a zone where
 * it is not the last minutes of the local day, and a round from 00:00 to 23:59.
 */
export function openNowSchedule(nowMs = Date.now()) {
  const timezone = ['Asia/Shanghai', 'Europe/London', 'America/New_York'].find((tz) => localParts(nowMs, tz).minutesOfDay < 23 * 60 + 50)!;
  const today = businessDay(nowMs, timezone);
  return { timezone, daily: { start: '00:00', end: '23:59' }, from: today, to: today };
}

export function campaignBody(over: Record<string, unknown> = {}) {
  return {
    name: '每日红烧肉红包',
    trigger: { keywords: ['红包'], menuKey: 'REDPACKET' },
    schedule: openNowSchedule(),
    round: { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500 },
    eligibility: { segment: { all: [{ subscribed: true }] }, perMemberPerRound: 1, perMemberPerDay: 1 },
    levelMultipliers: { 金卡: 1.5 },
    bestLuckPrize: { couponTemplateId: 'free-hongshaorou', validUntil: 'endOfWeek' },
    payout: { mode: 'wallet' },
    ...over,
  };
}
