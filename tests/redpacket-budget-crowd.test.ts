import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { fixedClock } from '../lib/clock/clock';
import { dynamoCouponPorts } from '../lib/coupons/issueCoupon';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import type { CampaignRecord } from '../lib/redpacket/campaignRecord';
import { closeRound, type CloseRoundPorts } from '../lib/redpacket/closeRound';
import { dynamoRoundStore } from '../lib/redpacket/dynamoRoundStore';
import { roundKey } from '../lib/table';
import { grabRedPacket, type GrabOutcome } from '../lib/redpacket/grabRedPacket';
import { planRound } from '../lib/redpacket/round';
import { campaignReport } from '../lib/redpacket/report';
import type { Table } from '../lib/store/dynamo';
import { dynamoWallet } from '../lib/wallet/wallet';
import { activeCampaign, grabber } from './support/campaigns';
import { useTestTable } from './support/testTable';

// The budget under a crowd, against DynamoDB Local: every grabber brings ×10, far more than the
// round's bonus pool, and they all grab at once. The pool is cut over the round's 16 shards, each
// grab takes its bonus from its shard's counter under a condition, so there is no hot item and no
// fen beyond the budget.
let table: Table;
before(async () => {
  table = await useTestTable();
});

const at = (day: string) => Date.parse(`${day}T03:31:00Z`); // 11:31 in Shanghai, inside the 11:30–11:40 round

function ports(nowMs: number) {
  const clock = fixedClock(nowMs);
  const rounds = dynamoRoundStore(table, clock);
  // These rounds have no prize, so nobody is ever notified.
  const close: CloseRoundPorts = {
    rounds,
    coupons: dynamoCouponPorts(table, clock, 'Asia/Shanghai'),
    notify: async () => assert.fail('no prize, no notice'),
    clock,
  };
  return { grab: { rounds, levels: async () => DEFAULT_LEVELS }, close, report: { rounds, payoutStates: async () => new Map() } };
}

type Won = Extract<GrabOutcome, { kind: 'won' }>;
const wonOf = (outcomes: GrabOutcome[]) => outcomes.filter((o): o is Won => o.kind === 'won');

test('1,000 followers at ×10 grab a 100-packet round with a 3,000 fen bonus pool at once: bonuses stop at the pool, wallets hold exactly what was granted, and the report proves it after the close', async () => {
  const c = activeCampaign('bcrowd0001', {
    round: { packets: 100, totalFen: 10_000, split: 'lucky', minFen: 10, maxFen: 500 },
    levelMultipliers: { 钻石: 10 },
    budget: { maxFenPerRound: 13_000 },
  });
  const now = at('2026-12-01');
  const p = ports(now);
  await p.grab.rounds.open(planRound(c, '2026-12-01'));
  const crowd = Array.from({ length: 1000 }, (_, i) => grabber(`bc-${i}`, '钻石'));
  const outcomes = await Promise.all(crowd.map((m, i) => grabRedPacket(p.grab, c, m, `bc-msg-${i}`, now)));

  const won = wonOf(outcomes);
  assert.equal(won.length, 100, 'every packet taken once');
  assert.deepEqual([...new Set(outcomes.map((o) => o.kind))].sort(), ['all-gone', 'won']);
  const shares = won.reduce((a, o) => a + o.amountFen, 0);
  const bonus = won.reduce((a, o) => a + o.bonusFen, 0);
  assert.equal(shares, 10_000, 'the shares are the round, whole');
  assert.ok(bonus <= 3000, `bonuses ${bonus} within the 3,000 fen pool (×10 asked for ${9 * shares})`);
  assert.ok(bonus >= 2000, `the pool is spent, not refused: ${bonus}`);
  for (const o of won) assert.ok(o.bonusFen <= 9 * o.amountFen);

  const winners = crowd.filter((_, i) => outcomes[i]!.kind === 'won');
  const wallets = await Promise.all(winners.map((m) => dynamoWallet(table).get(m.openid, 0)));
  assert.equal(
    wallets.reduce((a, w) => a + w.balanceFen, 0),
    shares + bonus,
    'the wallets hold exactly what the grabs were told',
  );

  // Before the close the unspent pool is still remaining; after it, returned.
  const round = (await p.grab.rounds.get(c.id, '2026-12-01'))!;
  const before = (await campaignReport(p.report, c, now)).rounds[0]!.budget;
  assert.deepEqual(before, {
    approvedFen: 13_000,
    grantedFen: 10_000,
    bonusFen: bonus,
    prizeFen: 0,
    returnedFen: 0,
    remainingFen: 3000 - bonus,
    balanced: true,
    maxFenPerRound: 13_000,
  });
  assert.equal((await closeRound(p.close, c.id, '2026-12-01')).status, 'closed');
  const report = await campaignReport(p.report, c, now);
  assert.deepEqual(report.rounds[0]!.budget, { ...before, returnedFen: 3000 - bonus, remainingFen: 0 });
  assert.equal(
    report.rounds[0]!.winners.reduce((a, w) => a + w.bonusFen, 0),
    bonus,
    "the report's bonuses are the ones paid",
  );
  assert.deepEqual(await p.grab.rounds.bonusPool(round.snapshot), { leftFen: 0, returnedFen: 3000 - bonus });
  assert.equal(report.budget.balanced, true, report.budget.problems.join('; '));
  assert.equal(report.budget.reservedFen, 13_000);
});

test('a campaign total tighter than its days at their cap: each round reserves its shares and an even part of the room when it opens, and never more than the total', async () => {
  // Three days of 1,000 fen rounds, a cap of 2,000 a round, but 3,600 in all: 600 of bonus room for three days.
  const c = activeCampaign('btotal0001', {
    schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2026-12-01', to: '2026-12-03' },
    round: { packets: 10, totalFen: 1000, split: 'equal', minFen: 100, maxFen: 100 },
    levelMultipliers: { 钻石: 10 },
    budget: { maxFenPerRound: 2000, maxFenTotal: 3600 },
  });
  const paidByDay: number[] = [];
  for (const day of ['2026-12-01', '2026-12-02', '2026-12-03']) {
    const p = ports(at(day));
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => grabRedPacket(p.grab, c, grabber(`bt-${day}-${i}`, '钻石'), `bt-${day}-${i}`, at(day))),
    );
    const won = wonOf(outcomes);
    assert.equal(won.length, 10);
    paidByDay.push(won.reduce((a, o) => a + o.amountFen + o.bonusFen, 0));
    assert.equal((await closeRound(p.close, c.id, day)).status, 'closed');
  }
  const report = await campaignReport(ports(at('2026-12-03') + 3_600_000).report, c, at('2026-12-03') + 3_600_000);
  assert.deepEqual(
    report.rounds.map((r) => r.budget.approvedFen),
    [1200, 1200, 1200],
    'the 600 fen of room, evened out over the three days',
  );
  assert.deepEqual(paidByDay, [1200, 1200, 1200], '×10 spends every round to its budget and no further');
  assert.deepEqual(report.budget, {
    ...report.budget,
    approvedFen: 3600,
    reservedFen: 3600,
    unreservedFen: 0,
    grantedFen: 3000,
    bonusFen: 600,
    returnedFen: 0,
    remainingFen: 0,
    balanced: true,
    problems: [],
  });
});

test('a round opened before budgets existed keeps no bonus room; the campaign ledger counts it, so later rounds do not spend its day twice', async () => {
  // An old campaign (no budget) whose first round was planned by the code before budgets: no budget in its snapshot.
  const c: CampaignRecord = activeCampaign('blegacy001', {
    round: { packets: 5, totalFen: 500, split: 'equal', minFen: 100, maxFen: 100 },
    levelMultipliers: { 普通: 10 },
  });
  const day1 = '2026-12-01';
  const { budgetPlan: _, ...oldPlan } = planRound(c, day1);
  await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...roundKey(c.id, day1), snapshot: oldPlan, status: 'opening', openLeaseUntil: 0 } }));
  const p1 = ports(at(day1));
  const first = await grabRedPacket(p1.grab, c, grabber('bl-a'), 'bl-a', at(day1));
  assert.equal(first.kind === 'won' && first.bonusFen, 0, 'no room for the ×10 bonus');
  assert.equal(await p1.grab.rounds.reservedFen(c.id), 500, "the ledger starts with the old round's shares");

  // The campaign's derived total is 31 days × 500; the old round's day is not handed out again.
  const day2 = '2026-12-02';
  const p2 = ports(at(day2));
  const second = await grabRedPacket(p2.grab, c, grabber('bl-b'), 'bl-b', at(day2));
  assert.equal(second.kind === 'won' && second.bonusFen, 0);
  assert.equal(await p2.grab.rounds.reservedFen(c.id), 1000);
  const report = await campaignReport(p2.report, c, at(day2));
  assert.deepEqual(
    report.rounds.map((r) => [r.budget.approvedFen, r.budget.balanced]),
    [
      [500, true],
      [500, true],
    ],
  );
  assert.deepEqual(report.budget, { ...report.budget, approvedFen: 31 * 500, reservedFen: 1000, grantedFen: 200, bonusFen: 0, balanced: true, problems: [] });
});
