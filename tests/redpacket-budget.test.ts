import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sandbox } from '../sandbox/server';
import { campaignBody, openNowSchedule, reportOnceClosed, scheduleCampaign } from './support/campaigns';
import { startStack, type Stack } from './support/stack';

// The issue's case through the real protocol: sandbox followers grab a 5-packet ¥5 round in which
// every ordinary member (普通) asks for ×10. Before the budget cap it paid ¥50 and the report said
// "balanced"; now a round pays at most what its budget approved, and the report proves where every
// fen went.
let stack: Stack;
let sandbox: Sandbox;
let handlers: Stack['handlers'];

const COUPON = 'two-yuan-off';

before(async () => {
  stack = await startStack();
  ({ sandbox, handlers } = stack);
  // A coupon with a money value: the prize is worth its amount unless the campaign says otherwise.
  const t = await handlers.admin('POST', '/admin/coupon-templates', {
    id: COUPON,
    title: '满减 2 元',
    value: { type: 'amount', fen: 200 },
    validity: { type: 'days', days: 30 },
  });
  assert.equal(t.status, 201, JSON.stringify(t.body));
});
after(() => stack?.close());

async function grab(openid: string, keyword: string): Promise<string> {
  const follow = await fetch(`${sandbox.url}/sandbox/followers/${openid}/messages`, {
    method: 'POST',
    body: JSON.stringify({ type: 'event', event: 'subscribe' }),
  });
  assert.equal(follow.status, 200);
  const r = await fetch(`${sandbox.url}/sandbox/followers/${openid}/messages`, {
    method: 'POST',
    body: JSON.stringify({ mode: 'aes', type: 'text', content: keyword }),
  });
  const json = (await r.json()) as { reply?: { content?: string } };
  assert.equal(r.status, 200, JSON.stringify(json));
  return json.reply?.content ?? '';
}

const walletOf = async (openid: string) => (await handlers.admin('GET', `/admin/members/${openid}/wallet`)).body.balanceFen as number;
const yuanToFen = (s: string) => Math.round(Number(s) * 100);

const FIVE_YUAN = { packets: 5, totalFen: 500, split: 'lucky', minFen: 10, maxFen: 200 };

test('¥5 in 5 packets with 普通 ×10 and a ¥10 budget a round: the members get ¥8 (shares ¥5 + bonus ¥3), the ¥2 coupon is the rest, and the report proves it', async () => {
  const created = await handlers.admin(
    'POST',
    '/admin/campaigns',
    campaignBody({
      name: '预算红包',
      trigger: { keywords: ['预算红包'] },
      round: FIVE_YUAN,
      levelMultipliers: { 普通: 10 },
      bestLuckPrize: { couponTemplateId: COUPON },
      budget: { maxFenPerRound: 1000 },
    }),
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.config.bestLuckPrize.valueFen, 200, "the prize is worth its coupon's amount");
  const id = created.body.id as string;
  assert.equal((await handlers.admin('POST', `/admin/campaigns/${id}/schedule`)).status, 200);

  const members = ['bud-a', 'bud-b', 'bud-c', 'bud-d', 'bud-e'];
  const replies: string[] = [];
  for (const m of members) replies.push(await grab(m, '预算红包'));
  const told = replies.map((text) => {
    const m = /抢到 (\d+\.\d\d) 元(?:（会员加成 \+(\d+\.\d\d) 元）)?/.exec(text);
    assert.ok(m, text);
    return { shareFen: yuanToFen(m[1]!), bonusFen: m[2] ? yuanToFen(m[2]) : 0 };
  });
  const wallets = await Promise.all(members.map(walletOf));
  const paidFen = wallets.reduce((a, b) => a + b, 0);
  assert.equal(
    told.reduce((a, t) => a + t.shareFen, 0),
    500,
    'the shares are the round, whole',
  );
  assert.deepEqual(
    wallets,
    told.map((t) => t.shareFen + t.bonusFen),
    'each member got what the reply said',
  );
  // The bonus pool is 1,000 − 500 − 200 = 300 fen; ×10 asks for far more, so it is spent to the fen and no further.
  assert.equal(paidFen, 800, 'shares 500 + bonus 300, not the ¥50 paid before the cap');

  const report = await reportOnceClosed(handlers.admin, id);
  const round = report.rounds[0];
  assert.equal(round.status, 'closed', 'the last share closed the round');
  assert.ok(round.prize.couponCode, 'the luckiest grabber has the coupon');
  assert.deepEqual(round.budget, {
    approvedFen: 1000,
    grantedFen: 500,
    bonusFen: 300,
    prizeFen: 200,
    returnedFen: 0,
    remainingFen: 0,
    balanced: true,
    maxFenPerRound: 1000,
  });
  assert.equal(
    round.winners.reduce((a: number, w: { bonusFen: number }) => a + w.bonusFen, 0),
    300,
  );
  assert.deepEqual(report.budget, {
    ...report.budget,
    approvedFen: 1000,
    grantedFen: 500,
    bonusFen: 300,
    prizeFen: 200,
    returnedFen: 0,
    remainingFen: 0,
    reservedFen: 1000,
    balanced: true,
    problems: [],
  });
});

test('the same round with no budget given: no room for bonuses (saved with a warning), exactly ¥5 paid, the prize counted at the value the campaign gave it', async () => {
  const created = await handlers.admin(
    'POST',
    '/admin/campaigns',
    campaignBody({
      name: '默认预算',
      trigger: { keywords: ['默认预算'] },
      round: FIVE_YUAN,
      levelMultipliers: { 普通: 10 },
      bestLuckPrize: { couponTemplateId: COUPON, valueFen: 300 },
    }),
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(
    created.body.warnings.map((w: { path: string }) => w.path),
    ['budget.maxFenPerRound'],
  );
  assert.match(created.body.warnings[0].message, /no room for level bonuses: .*a cap of 5300 fen a round pays them all/);
  const id = created.body.id as string;
  assert.equal((await handlers.admin('POST', `/admin/campaigns/${id}/schedule`)).status, 200);

  const members = ['def-a', 'def-b', 'def-c', 'def-d', 'def-e'];
  for (const m of members) assert.doesNotMatch(await grab(m, '默认预算'), /会员加成/, 'no bonus is promised');
  assert.equal(
    (await Promise.all(members.map(walletOf))).reduce((a, b) => a + b, 0),
    500,
  );
  const report = await reportOnceClosed(handlers.admin, id);
  assert.deepEqual(report.budget, {
    ...report.budget,
    approvedFen: 800,
    maxFenPerRound: 800,
    derived: true,
    grantedFen: 500,
    bonusFen: 0,
    prizeFen: 300,
    balanced: true,
  });
});

test('a budget that cannot cover the round and its prize is refused with the field named; a prize with no money value must be given one', async () => {
  const short = await handlers.admin(
    'POST',
    '/admin/campaigns',
    campaignBody({ trigger: { keywords: ['不够'] }, round: FIVE_YUAN, bestLuckPrize: { couponTemplateId: COUPON }, budget: { maxFenPerRound: 600 } }),
  );
  assert.equal(short.status, 400);
  assert.deepEqual(
    short.body.issues.map((i: { path: string }) => i.path),
    ['budget.maxFenPerRound'],
  );
  assert.match(short.body.error, /^budget\.maxFenPerRound: 600 fen cannot cover the round's 500 fen of shares \+ the 200 fen prize \(700 fen\)/);
  const total = await handlers.admin(
    'POST',
    '/admin/campaigns',
    campaignBody({ trigger: { keywords: ['不够'] }, round: FIVE_YUAN, bestLuckPrize: undefined, budget: { maxFenPerRound: 600, maxFenTotal: 499 } }),
  );
  assert.equal(total.status, 400);
  assert.match(total.body.error, /^budget\.maxFenTotal: 499 fen cannot cover 1 day\(s\) × 500 fen/);

  assert.equal(
    (await handlers.admin('POST', '/admin/coupon-templates', { id: 'free-dish', title: '免费红烧肉', validity: { type: 'days', days: 7 } })).status,
    201,
  );
  const noValue = await handlers.admin(
    'POST',
    '/admin/campaigns',
    campaignBody({ trigger: { keywords: ['不够'] }, round: FIVE_YUAN, bestLuckPrize: { couponTemplateId: 'free-dish' } }),
  );
  assert.equal(noValue.status, 400);
  assert.deepEqual(
    noValue.body.issues.map((i: { path: string }) => i.path),
    ['bestLuckPrize.valueFen'],
  );
  assert.match(noValue.body.error, /the coupon template free-dish is a free 红烧肉, with no money value: give the prize's value in fen/);
});

test('a live campaign cannot lower its total below what its rounds reserved and the days left need', async () => {
  const schedule = openNowSchedule();
  const tomorrow = new Date(Date.parse(`${schedule.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const id = await scheduleCampaign(handlers.admin, {
    name: '两天红包',
    trigger: { keywords: ['两天红包'] },
    schedule: { ...schedule, to: tomorrow },
    round: FIVE_YUAN,
    bestLuckPrize: undefined,
    budget: { maxFenPerRound: 700, maxFenTotal: 1200 },
  });
  assert.match(await grab('two-a', '两天红包'), /抢到/);
  const c = (await handlers.admin('GET', `/admin/campaigns/${id}`)).body;
  // Today's round reserved 500 + its part of the 200 fen of room spread over two days (100); tomorrow needs 500.
  assert.equal((await handlers.admin('GET', `/admin/campaigns/${id}/report`)).body.budget.reservedFen, 600);
  const lowered = await handlers.admin('PUT', `/admin/campaigns/${id}`, {
    ...c.config,
    budget: { maxFenPerRound: 700, maxFenTotal: 1099 },
    version: c.version,
  });
  assert.equal(lowered.status, 400);
  assert.match(lowered.body.error, /^budget\.maxFenTotal: 1099 fen cannot cover 600 fen already reserved by rounds held \+ 1 day\(s\) × 500 fen/);
  const ok = await handlers.admin('PUT', `/admin/campaigns/${id}`, { ...c.config, budget: { maxFenPerRound: 700, maxFenTotal: 1100 }, version: c.version });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});
