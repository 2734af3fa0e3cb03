import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitRound, type RandomInt, type RoundSplit } from './splitRound';

/** A seeded generator (mulberry32), so the statistical checks are the same on every run. */
function seeded(seed: number): RandomInt {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const feasible = fc
  .record({
    packets: fc.integer({ min: 1, max: 200 }),
    minFen: fc.integer({ min: 1, max: 500 }),
    span: fc.integer({ min: 0, max: 5_000 }),
    split: fc.constantFrom('lucky' as const, 'equal' as const),
    where: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ packets, minFen, span, split, where }): RoundSplit => {
    const maxFen = minFen + span;
    const totalFen = packets * minFen + Math.round(where * packets * span);
    return { packets, minFen, maxFen, totalFen, split };
  });

test('shares are whole fen, within [minFen, maxFen], as many as packets, and add up to the total exactly (property)', () => {
  fc.assert(
    fc.property(feasible, fc.integer(), (r, seed) => {
      const out = splitRound(r, seeded(seed));
      assert.ok(out.ok);
      assert.equal(out.shares.length, r.packets);
      assert.equal(
        out.shares.reduce((a, b) => a + b, 0),
        r.totalFen,
      );
      for (const s of out.shares) assert.ok(Number.isInteger(s) && s >= r.minFen && s <= r.maxFen, `${s} outside [${r.minFen}, ${r.maxFen}]`);
    }),
    { numRuns: 2_000 },
  );
});

test('impossible rounds are refused, naming the field', () => {
  const base: RoundSplit = { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500 };
  const tooLittle = splitRound({ ...base, totalFen: 199 });
  assert.deepEqual(tooLittle.ok ? null : tooLittle.field, 'totalFen');
  assert.match(tooLittle.ok ? '' : tooLittle.error, /need 200 fen/);
  const tooMuch = splitRound({ ...base, maxFen: 99 });
  assert.match(tooMuch.ok ? '' : tooMuch.error, /hold 1980 fen, less than totalFen 2000/);
  assert.equal(splitRound({ ...base, minFen: 600 }).ok, false);
  assert.equal(splitRound({ ...base, packets: 0 }).ok, false);
  assert.equal(splitRound({ ...base, totalFen: 20.5 }).ok, false);
});

test('equal split: everyone within one fen of the others', () => {
  const out = splitRound({ packets: 7, totalFen: 100, split: 'equal', minFen: 1, maxFen: 100 }, seeded(1));
  assert.ok(out.ok);
  assert.deepEqual([...out.shares].sort(), [14, 14, 14, 14, 14, 15, 15]);
});

test('lucky split: no position in the queue is favoured, and amounts really vary', () => {
  const r: RoundSplit = { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500 };
  const random = seeded(20261123);
  const rounds = 20_000;
  const sums = new Array<number>(r.packets).fill(0);
  let squares = 0;
  for (let k = 0; k < rounds; k++) {
    const out = splitRound(r, random);
    assert.ok(out.ok);
    out.shares.forEach((s, i) => {
      sums[i]! += s;
      squares += (s - 100) ** 2;
    });
  }
  const means = sums.map((s) => s / rounds);
  // Every position's mean share is the fair 100 fen within 3 fen (the double-mean method's last
  // grabber would differ systematically); the spread is far from equal shares.
  for (const m of means) assert.ok(Math.abs(m - 100) < 3, `position mean ${m.toFixed(2)}`);
  const sd = Math.sqrt(squares / (rounds * r.packets));
  assert.ok(sd > 50, `standard deviation ${sd.toFixed(1)} fen`);
});

test('a tight maximum still splits exactly (the excess goes to packets with room)', () => {
  const r: RoundSplit = { packets: 10, totalFen: 990, split: 'lucky', minFen: 10, maxFen: 100 };
  for (let seed = 0; seed < 200; seed++) {
    const out = splitRound(r, seeded(seed));
    assert.ok(out.ok);
    assert.equal(
      out.shares.reduce((a, b) => a + b, 0),
      990,
    );
    assert.ok(out.shares.every((s) => s >= 10 && s <= 100));
  }
});
