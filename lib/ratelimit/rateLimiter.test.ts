import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fixedClock } from '../clock/clock';
import { paced } from './paced';
import { createRateLimiter, type RateState } from './rateLimiter';

/** The stored number in memory, with the same atomic step as the DynamoDB one. */
function memoryState(): RateState {
  const values = new Map<string, number>();
  return {
    advance: async (name: string, floor: number, cost: number) => {
      // Yield first, so concurrent reservers really interleave.
      await Promise.resolve();
      const startsAt = Math.max(values.get(name) ?? -Infinity, floor);
      values.set(name, startsAt + cost);
      return startsAt;
    },
  };
}

test('concurrent workers get disjoint slots, spaced at the limit, whatever the interleaving', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 500 }), async (sizes, perSecond) => {
      const clock = fixedClock(1_000_000);
      const state = memoryState();
      const limiter = createRateLimiter({ state, clock, sleep: async () => undefined }, 'x', async () => ({ perSecond }));
      const reservations = await Promise.all(sizes.map((n) => limiter.reserve(n)));
      const slots = reservations.flatMap((r, i) => Array.from({ length: sizes[i]! }, (_, k) => r.startsAt + k * r.intervalMs)).sort((a, b) => a - b);
      const interval = 1000 / perSecond;
      for (let i = 1; i < slots.length; i++) assert.ok(slots[i]! - slots[i - 1]! >= interval - 1e-6, 'no two calls closer than the limit allows');
      const total = sizes.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(slots.at(-1)! - slots[0]! - (total - 1) * interval) < 1e-6, 'and no gaps: the calls go at exactly the limit');
    }),
    { numRuns: 100 },
  );
});

test('after an idle spell up to `burst` calls start at once; the rest keep the pace', async () => {
  const clock = fixedClock(5_000_000);
  const limiter = createRateLimiter({ state: memoryState(), clock, sleep: async () => undefined }, 'x', async () => ({ perSecond: 10, burst: 3 }));
  const first = await limiter.reserve(1);
  clock.advance(60_000);
  const r = await limiter.reserve(5);
  assert.equal(r.startsAt, clock.now() - 200, 'two intervals of credit: three calls may go now');
  assert.ok(first.startsAt < r.startsAt);
});

test('waitFor sleeps until the slot; paced clients wait before every call', async () => {
  const clock = fixedClock(0);
  const slept: number[] = [];
  const limiter = createRateLimiter(
    {
      state: memoryState(),
      clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    },
    'x',
    async () => ({ perSecond: 4 }),
  );
  const client = paced({ call: async (n: number) => n * 2, name: 'c' }, limiter);
  assert.deepEqual([await client.call(1), await client.call(2), await client.call(3)], [2, 4, 6]);
  assert.deepEqual(slept, [250, 250], 'the second and third call waited a quarter second each');
  assert.equal(client.name, 'c');
});
