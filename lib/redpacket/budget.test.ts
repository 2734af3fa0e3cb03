import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_LEVELS } from '../levels/levels';
import { claimWithinBonusPool } from './bonusPool';
import { budgetIssues, budgetProof, effectiveBudget, reserveFor, roundBudget, splitBonusPool, worstCase, type BudgetedCampaign } from './budget';
import { shardCountFor, shardOf, type RoundSnapshot } from './round';
import type { Claim, ClaimResult } from './roundStore';

// The issue's case: a 5-packet ¥5 round, every member ×10.
const fiveYuan = (over: Partial<BudgetedCampaign> = {}): BudgetedCampaign => ({
  round: { packets: 5, totalFen: 500 },
  schedule: { from: '2026-12-01', to: '2026-12-07' },
  levelMultipliers: { 普通: 10 },
  payout: { mode: 'wallet' },
  ...over,
});

test('a budget left out is derived with no bonus room: the shares and the prize, every day', () => {
  assert.deepEqual(effectiveBudget(fiveYuan()), { maxFenPerRound: 500, maxFenTotal: 3500, derived: true });
  assert.deepEqual(effectiveBudget(fiveYuan({ bestLuckPrize: { valueFen: 200 } })), { maxFenPerRound: 700, maxFenTotal: 4900, derived: true });
  assert.deepEqual(effectiveBudget(fiveYuan({ budget: { maxFenPerRound: 800 } })), { maxFenPerRound: 800, maxFenTotal: 5600, derived: true });
  assert.deepEqual(effectiveBudget(fiveYuan({ budget: { maxFenPerRound: 800, maxFenTotal: 4000 } })), {
    maxFenPerRound: 800,
    maxFenTotal: 4000,
    derived: false,
  });
});

test('the worst case: ×10 on ¥5 asks for ¥45 of bonus; the cap lets ¥3 through; seven days', () => {
  const uncapped = worstCase(fiveYuan({ budget: { maxFenPerRound: 1_000_000 } }), DEFAULT_LEVELS);
  assert.equal(uncapped.maxBonusFen, 4500, 'the ¥50 the issue saw paid: 500 + 4,500');
  assert.equal(uncapped.perRoundFen, 5000);
  const w = worstCase(fiveYuan({ bestLuckPrize: { valueFen: 200 }, budget: { maxFenPerRound: 1000, maxFenTotal: 5000 } }), DEFAULT_LEVELS);
  assert.deepEqual(w, {
    days: 7,
    sharesFen: 500,
    prizeFen: 200,
    maxBonusFen: 4500,
    bonusRoomFen: 300,
    maxFenPerRound: 1000,
    maxFenTotal: 5000,
    perRoundFen: 1000,
    campaignFen: 5000,
  });
  // No campaign multiplier: the default levels' own ×2 (钻石) is the worst.
  assert.equal(worstCase(fiveYuan({ levelMultipliers: {}, budget: { maxFenPerRound: 10_000 } }), DEFAULT_LEVELS).maxBonusFen, 500);
});

test('a budget that cannot cover the shares and the prize is refused, naming the field', () => {
  const prize = { bestLuckPrize: { valueFen: 200 } };
  assert.deepEqual(budgetIssues(fiveYuan({ ...prize, budget: { maxFenPerRound: 800, maxFenTotal: 5600 } })), []);
  const perRound = budgetIssues(fiveYuan({ ...prize, budget: { maxFenPerRound: 600 } }));
  assert.equal(perRound[0]?.path, 'budget.maxFenPerRound');
  assert.match(perRound[0]!.message, /600 fen cannot cover the round's 500 fen of shares \+ the 200 fen prize \(700 fen\)/);
  const total = budgetIssues(fiveYuan({ ...prize, budget: { maxFenPerRound: 800, maxFenTotal: 4800 } }));
  assert.deepEqual(
    total.map((i) => i.path),
    ['budget.maxFenTotal'],
  );
  assert.match(total[0]!.message, /4800 fen cannot cover 7 day\(s\) × 700 fen/);
  // A live campaign: what its rounds reserved counts, and only the days still ahead need funding.
  assert.deepEqual(budgetIssues(fiveYuan({ budget: { maxFenPerRound: 800, maxFenTotal: 2000 } }), { reservedFen: 1500, daysToFund: 1 }), []);
  assert.match(
    budgetIssues(fiveYuan({ budget: { maxFenPerRound: 800, maxFenTotal: 1900 } }), { reservedFen: 1500, daysToFund: 1 })[0]!.message,
    /1500 fen already reserved/,
  );
});

test('reservations: every day affords its shares and prize, no round above its cap, the campaign never above its total (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 0, max: 20_000 }),
      fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      (totalFen, prizeFen, roomPerRound, days, extraTotal, held) => {
        const base = totalFen + prizeFen;
        const maxFenPerRound = base + roomPerRound;
        // Any total the validation accepts: at least every day's shares and prize.
        const maxFenTotal = days * base + extraTotal;
        let reserved = 0;
        for (let d = 0; d < days; d++) {
          if (!held[d]) continue; // a day without a round (paused, nobody grabbed) reserves nothing
          const approved = reserveFor({ maxFenPerRound, maxFenTotal, prizeFen, laterDays: days - d - 1 }, totalFen, reserved);
          assert.ok(approved !== undefined, `day ${d} is funded`);
          assert.ok(approved >= base && approved <= maxFenPerRound, `day ${d}: ${approved} within [${base}, ${maxFenPerRound}]`);
          reserved += approved;
          assert.ok(maxFenTotal - reserved >= (days - d - 1) * base, 'every later day can still afford its shares and prize');
        }
        assert.ok(reserved <= maxFenTotal);
      },
    ),
  );
  // A total already spent: the round does not open.
  assert.equal(reserveFor({ maxFenPerRound: 800, maxFenTotal: 1000, prizeFen: 0, laterDays: 0 }, 500, 600), undefined);
  // Room is evened out over the days left: 3 days, 900 fen of spare room, 300 each (cap 400 above the base).
  assert.equal(reserveFor({ maxFenPerRound: 900, maxFenTotal: 2400, prizeFen: 0, laterDays: 2 }, 500, 0), 800);
});

test('the bonus pool is cut over the shards in proportion to their shares and sums to the pool exactly (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 0, max: 10_000_000_000 }),
      (shares, pool) => {
        const shards = shardCountFor(shares.length);
        const parts = splitBonusPool(shares, shards, pool);
        assert.equal(parts.length, shards);
        assert.equal(
          parts.reduce((a, b) => a + b, 0),
          pool,
        );
        const total = shares.reduce((a, b) => a + b, 0);
        parts.forEach((p, s) => {
          const sum = shares.filter((_, i) => i % shards === s).reduce((a, b) => a + b, 0);
          assert.ok(Number.isSafeInteger(p) && p >= 0);
          assert.ok(Math.abs(p - (pool * sum) / total) < 1 + 1e-6 * pool, `shard ${s}: ${p} vs ${(pool * sum) / total}`);
        });
      },
    ),
  );
});

/**
 * The store's side of the bonus, as the claim transaction and the close do it: one counter per shard,
 * a bonus taken only while the counter holds it, the counter emptied into `returned` at close. Every
 * call yields to the fast-check scheduler, so grabs and the close interleave in any order.
 */
function shardedRound(shares: number[], poolFen: number, prizeFen: number, schedule: <T>(f: () => T) => Promise<T>) {
  const shards = shardCountFor(shares.length);
  const plan = { maxFenPerRound: shares.reduce((a, b) => a + b, 0) + prizeFen + poolFen, maxFenTotal: 1e12, prizeFen, laterDays: 0 };
  const budget = roundBudget(plan, shares, shards, plan.maxFenPerRound);
  const round = { campaignId: 'c1', day: '2026-12-01', shares, shards, budget } as unknown as RoundSnapshot;
  const left = [...budget.bonusByShard];
  const returnedBonus = Array.from({ length: shards }, () => 0);
  const free = new Set(shares.map((_, i) => i));
  const taken = new Map<number, { amountFen: number; bonusFen: number }>();
  const returned = new Set<number>();
  let closed = false;
  const store = {
    claim: (c: Claim): Promise<ClaimResult> =>
      schedule(() => {
        if (!free.has(c.index)) return 'share-gone' as const;
        const s = shardOf(c.index, shards);
        if (c.bonusFen > 0 && !(left[s]! >= c.bonusFen)) return 'bonus-short' as const;
        free.delete(c.index);
        left[s]! -= c.bonusFen;
        taken.set(c.index, { amountFen: c.amountFen, bonusFen: c.bonusFen });
        return 'claimed' as const;
      }),
    bonusLeft: (_r: RoundSnapshot, shard: number) => schedule(() => left[shard]!),
  };
  const close = () =>
    schedule(() => {
      closed = true;
      for (const i of free) returned.add(i);
      free.clear();
      left.forEach((l, s) => {
        returnedBonus[s]! += l;
        left[s] = 0;
      });
    });
  const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);
  // The report's proof, each term from its own state, the prize given to the best grab if there was one.
  const proof = () => {
    const prizeGiven = closed && taken.size > 0 ? prizeFen : 0;
    return budgetProof({
      approvedFen: budget.approvedFen,
      grantedFen: sum([...taken.values()].map((t) => t.amountFen)),
      bonusFen: sum([...taken.values()].map((t) => t.bonusFen)),
      prizeFen: prizeGiven,
      returnedFen: sum([...returned].map((i) => shares[i]!)) + sum(returnedBonus) + (closed ? prizeFen - prizeGiven : 0),
      remainingFen: sum([...free].map((i) => shares[i]!)) + sum(left) + (closed ? 0 : prizeFen),
    });
  };
  return { round, budget, store, close, proof, taken };
}

test('any crowd of grabs racing each other and the close: no bonus beyond the pool or beyond what was asked, and the proof holds (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.array(fc.record({ share: fc.nat(), multiplier: fc.constantFrom(1, 1.5, 2, 10), seenLeft: fc.nat({ max: 4000 }) }), { maxLength: 60 }),
      fc.option(fc.nat({ max: 60 })),
      async (s, shares, poolFen, prizeFen, grabs, closeAfter) => {
        const schedule = <T>(f: () => T) => s.schedule(Promise.resolve()).then(f);
        const r = shardedRound(shares, poolFen, prizeFen, schedule);
        const paid: { wanted: number; bonusFen: number; result: string }[] = [];
        const running = grabs.map(async (g, n) => {
          if (closeAfter !== null && n === closeAfter) void r.close();
          const index = g.share % shares.length;
          const wanted = Math.floor(shares[index]! * (g.multiplier - 1));
          const c = {
            round: r.round,
            index,
            openid: `m${n}`,
            amountFen: shares[index]!,
            bonusFen: wanted,
            at: '',
            dedupKey: `k${n}`,
            memberDay: '',
            payoutRef: '',
          };
          const out = await claimWithinBonusPool(r.store, c, { perRound: 1, perDay: 1 }, g.seenLeft);
          paid.push({ wanted, bonusFen: out.bonusFen, result: out.result });
        });
        await s.waitFor(Promise.all(running));
        const open = r.proof();
        assert.ok(open.balanced, `before the close: ${JSON.stringify(open)}`);
        await s.waitFor(r.close());
        const closed = r.proof();
        assert.ok(closed.balanced, `after the close: ${JSON.stringify(closed)}`);
        assert.ok(closed.bonusFen <= poolFen, `bonus ${closed.bonusFen} within the pool ${poolFen}`);
        assert.ok(closed.grantedFen + closed.bonusFen + closed.prizeFen <= r.budget.approvedFen);
        for (const p of paid) assert.ok(p.bonusFen >= 0 && p.bonusFen <= p.wanted, `a grab got ${p.bonusFen} of the ${p.wanted} it asked for`);
        const told = paid.filter((p) => p.result === 'claimed').reduce((a, p) => a + p.bonusFen, 0);
        assert.equal(told, closed.bonusFen, 'the bonus a grab reports is the bonus it took');
      },
    ),
    { numRuns: 300 },
  );
});

test('the proof: a fen too many, too few or negative is not balanced', () => {
  const ok = { approvedFen: 1000, grantedFen: 500, bonusFen: 200, prizeFen: 100, returnedFen: 150, remainingFen: 50 };
  assert.equal(budgetProof(ok).balanced, true);
  assert.equal(budgetProof({ ...ok, bonusFen: 201 }).balanced, false);
  assert.equal(budgetProof({ ...ok, returnedFen: 149 }).balanced, false);
  assert.equal(budgetProof({ ...ok, remainingFen: -50, returnedFen: 250 }).balanced, false);
});
