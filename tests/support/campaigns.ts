import assert from 'node:assert/strict';
import type { Member } from '../../lib/members/member';
import type { CampaignRecord } from '../../lib/redpacket/campaignRecord';
import type { AdminCall } from './handlers';
import { waitFor } from './localSqs';
import { adminAs, person } from './principals';
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
    // A free dish has no money value on its coupon: the campaign says what it costs (the budget counts it).
    bestLuckPrize: { couponTemplateId: 'free-hongshaorou', validUntil: 'endOfWeek', valueFen: 1500 },
    payout: { mode: 'wallet' },
    ...over,
  };
}

type AdminClient = (method: string, path: string, body?: unknown) => Promise<AdminCall>;

/** A second marketer, for campaigns whose budget waits for approval (lib/approvals). */
const secondMarketer = adminAs(person('second-marketer@example.com', ['marketer']));

/**
 * Creates a campaign through the admin API and schedules it; its id. A budget above the approval
 * threshold waits for a second person: the second marketer approves it, as a team would.
 */
export async function scheduleCampaign(admin: AdminClient, over: Record<string, unknown>): Promise<string> {
  const created = await admin('POST', '/admin/campaigns', campaignBody(over));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const scheduled = await admin('POST', `/admin/campaigns/${created.body.id}/schedule`);
  assert.equal(scheduled.status, 200);
  if (scheduled.body.approval?.state === 'pending') {
    const approved = await secondMarketer('POST', `/admin/approvals/${scheduled.body.approval.id}/approve`);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
  }
  return created.body.id as string;
}

/**
 * The campaign's report once its first round is closed (and, with a prize, the prize recorded). A
 * round emptied by a grab is closed off the follower's reply (by the round-close worker), so a test waits for it.
 */
/* eslint-disable-next-line @typescript-eslint/no-explicit-any */
export async function reportOnceClosed(
  admin: (method: string, path: string) => Promise<{ body: any }>,
  id: string,
  opts: { prize?: boolean } = {},
): Promise<any> {
  const withPrize = opts.prize ?? true;
  let report: { rounds: { status: string; prize?: unknown }[] } | undefined;
  await waitFor(
    async () => {
      report = (await admin('GET', `/admin/campaigns/${id}/report`)).body;
      const r = report!.rounds[0];
      return r?.status === 'closed' && (!withPrize || r.prize) ? true : `round ${r?.status}, prize ${JSON.stringify(r?.prize)}`;
    },
    { what: `campaign ${id}'s round to be closed` },
  );
  return report;
}

/**
 * A live campaign record for the grab use case (no admin API): 11:30–11:40 in Shanghai every day of
 * December 2026, one grab per member per round and per day, wallet payouts.
 */
export function activeCampaign(id: string, over: Partial<CampaignRecord['config']> = {}): CampaignRecord {
  return {
    id,
    state: 'active',
    version: 1,
    warnings: [],
    createdAt: '2026-11-20T00:00:00Z',
    updatedAt: '2026-11-20T00:00:00Z',
    config: {
      name: '每日红烧肉红包',
      trigger: { keywords: ['红包'] },
      schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2026-12-01', to: '2026-12-31' },
      round: { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500 },
      eligibility: { perMemberPerRound: 1, perMemberPerDay: 1 },
      levelMultipliers: {},
      payout: { mode: 'wallet' },
      ...over,
    },
  };
}

/** A subscribed follower who grabs. */
export const grabber = (openid: string, level = '普通'): Member => ({
  openid,
  subscribed: true,
  firstSeenAt: '2026-11-01T00:00:00Z',
  lastInteractionAt: '2026-12-01T03:31:00Z',
  points: 0,
  level,
  tags: [],
});
