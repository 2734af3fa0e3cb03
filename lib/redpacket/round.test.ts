import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyLifecycle, statusOf, type CampaignRecord } from './campaignRecord';
import { bestLuckOf } from './closeRound';
import { whyNotEligible } from './eligibility';
import { grabReply } from './grabReplies';
import type { GrabOutcome } from './grabRedPacket';
import { levelBonusFen, planRound, sharesOfShard, shardCountFor } from './round';

const config = (over: Partial<CampaignRecord['config']['round']> = {}): CampaignRecord['config'] => ({
  name: '每日红烧肉红包',
  trigger: { keywords: ['红包'] },
  schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2026-12-01', to: '2026-12-31' },
  round: { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500, ...over },
  eligibility: { perMemberPerRound: 1, perMemberPerDay: 1 },
  levelMultipliers: {},
  payout: { mode: 'wallet' },
});

test('a planned round: shares sum to the total, and every share sits in exactly one shard', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 50 }),
      fc.constantFrom('lucky' as const, 'equal' as const),
      (packets, perPacket, split) => {
        const totalFen = packets * perPacket + Math.floor(packets / 2);
        const r = planRound({ id: 'c1', config: config({ packets, totalFen, split, minFen: 1, maxFen: perPacket * 3 + 1 }) }, '2026-12-01');
        assert.equal(
          r.shares.reduce((a, b) => a + b, 0),
          totalFen,
        );
        assert.equal(r.shards, shardCountFor(packets));
        const seen = Array.from({ length: r.shards }, (_, s) => sharesOfShard(r, s))
          .flat()
          .sort((a, b) => a - b);
        assert.deepEqual(
          seen,
          Array.from({ length: packets }, (_, i) => i),
        );
        assert.equal(r.endsAt, '2026-12-01T03:40:00.000Z', '11:40 in Shanghai');
      },
    ),
  );
});

test('best luck: the largest share; a tie goes to the earlier grab, then the lower share number', () => {
  const t = (openid: string, amountFen: number, at: string, index: number) => ({ openid, amountFen, at, index, bonusFen: 0, payoutRef: `r${index}` });
  assert.equal(bestLuckOf([]), undefined);
  assert.equal(
    bestLuckOf([t('a', 100, '2026-12-01T03:30:02Z', 3), t('b', 150, '2026-12-01T03:30:05Z', 1), t('c', 150, '2026-12-01T03:30:01Z', 7)])!.openid,
    'c',
  );
  assert.equal(bestLuckOf([t('a', 150, '2026-12-01T03:30:01Z', 9), t('b', 150, '2026-12-01T03:30:01Z', 2)])!.openid, 'b');
});

test('level bonus: multiplier − 1 of the share, floored, capped by the payout mode', () => {
  assert.equal(levelBonusFen(137, 1.5, 'wallet'), 68);
  assert.equal(levelBonusFen(137, 1, 'wallet'), 0);
  assert.equal(levelBonusFen(15_000, 2, 'redpack'), 5_000, 'a cash red packet stays at 200 CNY');
});

test('not eligible: a failing level rule is named; other rules say "selected members"', () => {
  const member = { level: '普通', tags: [], lastInteractionAt: new Date().toISOString(), subscribed: true, points: 0 };
  assert.deepEqual(whyNotEligible({ all: [{ subscribed: true }, { level: { in: ['金卡', '钻石'] } }] }, member, Date.now()), {
    reason: 'level',
    levels: ['金卡', '钻石'],
  });
  assert.deepEqual(whyNotEligible({ tag: 'vip' }, member, Date.now()), { reason: 'segment' });
  assert.equal(whyNotEligible({ level: { in: ['普通'] } }, member, Date.now()), undefined);
  assert.equal(whyNotEligible(undefined, member, Date.now()), undefined);
});

test('lifecycle: draft → scheduled/running → paused → running → closed; nothing leaves closed', () => {
  const c = { state: 'draft' as const, config: config() };
  assert.equal(statusOf(c, Date.parse('2026-11-30T00:00:00Z')), 'draft');
  const active = { ...c, state: 'active' as const };
  assert.equal(statusOf(active, Date.parse('2026-12-01T03:29:59Z')), 'scheduled');
  assert.equal(statusOf(active, Date.parse('2026-12-01T03:30:00Z')), 'running');
  assert.equal(statusOf(active, Date.parse('2026-12-31T03:40:00Z')), 'closed', 'the last round is over');
  assert.deepEqual(applyLifecycle(c, 'schedule'), { state: 'active' });
  assert.match((applyLifecycle(c, 'pause') as { error: string }).error, /only a scheduled or running/);
  assert.deepEqual(applyLifecycle({ state: 'paused' }, 'resume'), { state: 'active' });
  assert.match((applyLifecycle({ state: 'active' }, 'resume') as { error: string }).error, /only a paused/);
  assert.match((applyLifecycle({ state: 'closed' }, 'schedule') as { error: string }).error, /closed/);
});

test('every grab outcome has a reply that says what happened', () => {
  const round = planRound({ id: 'c1', config: config() }, '2026-12-01');
  const outcomes: GrabOutcome[] = [
    { kind: 'won', amountFen: 137, bonusFen: 68, rank: 3, left: 17, round },
    { kind: 'replayed', amountFen: 137 },
    { kind: 'not-started', opensAt: '11:30' },
    { kind: 'ended-today', opensAt: '11:30', hasTomorrow: true },
    { kind: 'outside-campaign', from: '2026-12-01', to: '2026-12-31', before: true },
    { kind: 'paused' },
    { kind: 'all-gone', opensAt: '11:30', hasTomorrow: true },
    { kind: 'already-grabbed', lastFen: 137, perRound: 1 },
    { kind: 'day-limit', perDay: 1 },
    { kind: 'not-eligible', why: { reason: 'level', levels: ['金卡'] } },
    { kind: 'busy' },
  ];
  const replies = outcomes.map((o) => grabReply(o, '每日红烧肉红包'));
  assert.match(replies[0]!, /1\.37 元.*\+0\.68 元.*第 3 位.*还剩 17 个/);
  assert.match(replies[4]!, /12月1日 开始/);
  assert.match(replies[9]!, /仅限 金卡 会员/);
  assert.equal(new Set(replies).size, replies.length, 'no two outcomes read the same');
});
