import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignSchema } from './campaign';
import { checkCompliance } from './compliance';

// The example campaign from the issue.
const example = {
  name: '每日红烧肉红包',
  trigger: { keywords: ['红包'], menuKey: 'REDPACKET' },
  schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2026-12-01', to: '2026-12-31' },
  round: { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500 },
  eligibility: { segment: { all: [{ subscribed: true }] }, perMemberPerRound: 1, perMemberPerDay: 1 },
  levelMultipliers: { 金卡: 1.5 },
  bestLuckPrize: { couponTemplateId: 'free-hongshaorou', validUntil: 'endOfWeek' },
  payout: { mode: 'wallet' },
};

const issuesOf = (input: unknown) => {
  const r = campaignSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test("the issue's example campaign is valid and compliant", () => {
  const c = campaignSchema.parse(example);
  assert.deepEqual(checkCompliance(c), { refusals: [], warnings: [] });
});

test('impossible rounds and payout limits are refused, naming the field', () => {
  assert.match(issuesOf({ ...example, round: { ...example.round, totalFen: 100 } }).join('\n'), /^round\.totalFen: .*need 200 fen/m);
  assert.match(issuesOf({ ...example, payout: { mode: 'redpack' } }).join('\n'), /^round\.minFen: redpack payouts start at 100 fen/m);
  assert.match(
    issuesOf({ ...example, round: { ...example.round, minFen: 5 }, payout: { mode: 'transfer' } }).join('\n'),
    /^round\.minFen: transfer payouts start at 10 fen/m,
  );
  assert.match(issuesOf({ ...example, schedule: { ...example.schedule, daily: { start: '11:40', end: '11:30' } } }).join('\n'), /schedule\.daily\.end/);
  assert.match(issuesOf({ ...example, schedule: { ...example.schedule, timezone: 'Mars/Olympus' } }).join('\n'), /schedule\.timezone/);
  assert.match(issuesOf({ ...example, trigger: {} }).join('\n'), /^trigger/m);
});

test('compliance: a mechanics type named like an Object.prototype member is not a forbidden mechanic (and names no function as its rule)', () => {
  for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const r = checkCompliance(campaignSchema.parse({ ...example, mechanics: { type } }));
    assert.deepEqual(
      r.refusals.filter((f) => f.path === 'mechanics.type'),
      [],
      type,
    );
  }
});

test('compliance: a reward for following and share-to-win mechanics are refused, naming the rule', () => {
  const follow = checkCompliance(campaignSchema.parse({ ...example, trigger: { event: 'subscribe' } }));
  assert.equal(follow.refusals[0]?.path, 'trigger.event');
  assert.match(follow.refusals[0]!.rule, /关注后领红包/);
  for (const [mechanics, rule] of [
    ['giftBox', /拆礼盒/],
    ['assist', /助力/],
    ['bargain', /砍价/],
    ['collectLikes', /集赞/],
  ] as const) {
    const r = checkCompliance(campaignSchema.parse({ ...example, mechanics: { type: mechanics } }));
    assert.match(r.refusals[0]?.rule ?? '', rule, mechanics);
  }
  assert.match(checkCompliance(campaignSchema.parse({ ...example, name: '邀请好友助力领红包' })).refusals[0]?.rule ?? '', /助力/);
  assert.match(checkCompliance(campaignSchema.parse({ ...example, description: '关注公众号即可领红包' })).refusals[0]?.rule ?? '', /关注后领红包/);
});

test('compliance: marketing wording in a notice is a warning, service wording is fine', () => {
  const r = checkCompliance(
    campaignSchema.parse({ ...example, notices: { prizeWon: '限时优惠！全场八折', unclaimed: '您有一个红包尚未领取，今晚 24 点前有效' } }),
  );
  assert.deepEqual(r.refusals, []);
  assert.deepEqual(
    r.warnings.map((w) => w.path),
    ['notices.prizeWon'],
  );
});
