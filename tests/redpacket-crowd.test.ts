import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { grabRedPacket, type GrabOutcome, type GrabPorts } from '../lib/redpacket/grabRedPacket';
import { dynamoRoundStore } from '../lib/redpacket/dynamoRoundStore';
import { planRound } from '../lib/redpacket/round';
import { campaignReport } from '../lib/redpacket/report';
import type { Table } from '../lib/store/dynamo';
import { activeCampaign, grabber } from './support/campaigns';
import { useTestTable } from './support/testTable';

// The crowd: 2,000 followers grab one 20-packet round at the same moment against DynamoDB Local.
let table: Table;
before(async () => {
  table = await useTestTable();
});

const NOW = Date.parse('2026-12-01T03:31:00Z'); // 11:31 in Shanghai, inside the 11:30–11:40 round

function ports(): GrabPorts {
  return { rounds: dynamoRoundStore(table, fixedClock(NOW)), levels: async () => DEFAULT_LEVELS };
}

test('2,000 followers at once on 20 packets: exactly 20 win, nobody twice, every share once, the total exact; a push run again gets the same answer', async () => {
  const c = activeCampaign('crowd00001');
  const p = ports();
  const crowd = Array.from({ length: 2000 }, (_, i) => grabber(`crowd-${i}`));
  // The minute schedule lays a round out before it starts (the lazy path is the next test's).
  await p.rounds.open(planRound(c, '2026-12-01'));
  const outcomes = await Promise.all(crowd.map((m, i) => grabRedPacket(p, c, m, `msg-${i}`, NOW).then((o) => [m.openid, `msg-${i}`, o] as const)));

  const won = outcomes.filter(([, , o]) => o.kind === 'won') as [string, string, Extract<GrabOutcome, { kind: 'won' }>][];
  assert.equal(won.length, 20, 'exactly as many winners as packets');
  assert.equal(new Set(won.map(([openid]) => openid)).size, 20, 'nobody wins twice');
  assert.equal(
    won.reduce((a, [, , o]) => a + o.amountFen, 0),
    2000,
    'the shares add up to the round total',
  );
  const kinds = new Set(outcomes.map(([, , o]) => o.kind));
  assert.deepEqual([...kinds].sort(), ['all-gone', 'won'], 'losers are told "all gone", never an error or "busy"');

  // A push run again after its first run finished (a crash before the reply was stored): the same answer, no second grab.
  for (const [openid, key, o] of won) {
    const again = await grabRedPacket(p, c, grabber(openid), key, NOW);
    assert.deepEqual(again, { kind: 'replayed', reply: undefined, amountFen: o.amountFen });
  }

  const round = (await p.rounds.get(c.id, '2026-12-01'))!;
  const taken = await p.rounds.taken(round.snapshot);
  assert.equal(taken.length, 20);
  assert.deepEqual(
    taken.map((t) => t.index).sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
    'every share handed out exactly once',
  );
  assert.deepEqual(await p.rounds.counts(round.snapshot), { taken: 20, returned: 0 });
  const report = await campaignReport({ rounds: p.rounds, payoutStates: async () => new Map() }, c, NOW);
  assert.equal(report.rounds[0]!.grantedFen, 2000);
  assert.equal(report.rounds[0]!.remainingFen, 0);
  assert.deepEqual(
    report.rounds[0]!.winners.map((w) => w.rank),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});

test('a round nobody opened yet: 100 grabbers at once open it once and share it exactly', async () => {
  const c = activeCampaign('lazy000001', { round: { packets: 30, totalFen: 3000, split: 'lucky', minFen: 10, maxFen: 500 } });
  const p = ports();
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => grabRedPacket(p, c, grabber(`lazy-${i}`), `lazy-${i}`, NOW)));
  const won = outcomes.filter((o) => o.kind === 'won');
  assert.equal(won.length, 30);
  assert.equal(
    won.reduce((a, o) => a + (o.kind === 'won' ? o.amountFen : 0), 0),
    3000,
  );
  const round = (await p.rounds.get(c.id, '2026-12-01'))!;
  assert.equal(round.status, 'open');
  assert.equal((await p.rounds.taken(round.snapshot)).length, 30);
  assert.deepEqual(await p.rounds.free(round.snapshot), []);
});

test('limits, eligibility and the level bonus hold inside the transaction', async () => {
  const c = activeCampaign('limits0001', {
    round: { packets: 10, totalFen: 1000, split: 'equal', minFen: 100, maxFen: 100 },
    eligibility: { segment: { level: { in: ['金卡', '钻石'] } }, perMemberPerRound: 2, perMemberPerDay: 3 },
    levelMultipliers: { 金卡: 1.5 },
    // Room for 1,000 fen of bonuses a round: 100 in each of the 10 shards, enough for every bonus below.
    budget: { maxFenPerRound: 2000 },
  });
  const p = ports();
  const gold = grabber('gold-1', '金卡');
  const diamond = grabber('diamond-1', '钻石');
  const first = await grabRedPacket(p, c, gold, 'g1', NOW);
  assert.equal(first.kind, 'won');
  assert.equal(first.kind === 'won' && first.bonusFen, 50, '金卡 ×1.5 of 100 fen');
  const diamondWon = await grabRedPacket(p, c, diamond, 'd1', NOW);
  assert.equal(diamondWon.kind === 'won' && diamondWon.bonusFen, 100, "钻石 has no campaign multiplier: the level's own ×2 benefit");
  // Two grabs per round allowed, at once: both win; a third is refused.
  const [a, b] = await Promise.all([grabRedPacket(p, c, gold, 'g2', NOW), grabRedPacket(p, c, gold, 'g3', NOW)]);
  assert.deepEqual([a.kind, b.kind].sort(), ['already-grabbed', 'won'], 'the limit of 2 per round holds when two grabs race');
  const again = await grabRedPacket(p, c, gold, 'g4', NOW);
  assert.equal(again.kind, 'already-grabbed');
  assert.equal(again.kind === 'already-grabbed' && again.lastFen, 150);
  const plain = await grabRedPacket(p, c, grabber('plain-1'), 'p1', NOW);
  assert.deepEqual(plain, { kind: 'not-eligible', why: { reason: 'level', levels: ['金卡', '钻石'] } });

  // The day limit counts across campaigns.
  const other = activeCampaign('limits0002', { trigger: { keywords: ['福利'] }, eligibility: { perMemberPerRound: 5, perMemberPerDay: 3 } });
  assert.equal((await grabRedPacket(p, other, gold, 'o1', NOW)).kind, 'won', 'third grab of the day');
  const fourth = await grabRedPacket(p, other, gold, 'o2', NOW);
  assert.deepEqual(fourth, { kind: 'day-limit', perDay: 3 });
});

test('outside the round: not started, ended, outside the dates, paused', async () => {
  const c = activeCampaign('times00001');
  const p = ports();
  const m = grabber('t-1');
  assert.deepEqual(await grabRedPacket(p, c, m, 'k1', Date.parse('2026-12-01T03:29:00Z')), { kind: 'not-started', opensAt: '11:30' });
  assert.deepEqual(await grabRedPacket(p, c, m, 'k2', Date.parse('2026-12-01T03:40:00Z')), { kind: 'ended-today', opensAt: '11:30', hasTomorrow: true });
  assert.deepEqual(await grabRedPacket(p, c, m, 'k3', Date.parse('2026-11-30T03:31:00Z')), {
    kind: 'outside-campaign',
    from: '2026-12-01',
    to: '2026-12-31',
    before: true,
  });
  assert.deepEqual(await grabRedPacket(p, { ...c, state: 'paused' }, m, 'k4', NOW), { kind: 'paused' });
});
