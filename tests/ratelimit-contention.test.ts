/**
 * The shared token bucket (lib/ratelimit: GCRA over one DynamoDB item) under contention, against
 * DynamoDB Local rather than its in-memory fake: several limiter instances, each with its own
 * DynamoDB client (as separate Lambda containers have), and a crowd of takers at once. Every taker
 * gets a slot (none lost to contention), no two slots overlap, the slots never exceed rate + burst in
 * any window, and no call starts before its slot.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../lib/clock/clock';
import { dynamoRateState } from '../lib/ratelimit/dynamoRateState';
import { createRateLimiter, realSleep, type RateLimiter } from '../lib/ratelimit/rateLimiter';
import { createTable, type Table } from '../lib/store/dynamo';
import { dynamoEndpoint, useTestTable } from './support/testTable';

let table: Table;

before(async () => {
  table = await useTestTable();
});

/** `instances` limiters on one stored bucket, each through its own DynamoDB client. */
function limiters(name: string, instances: number, limit: { perSecond: number; burst: number }): RateLimiter[] {
  return Array.from({ length: instances }, () =>
    createRateLimiter({ state: dynamoRateState(createTable(table.name, dynamoEndpoint())), clock: systemClock, sleep: realSleep }, name, async () => limit),
  );
}

/** The most slots inside any window of `windowMs` (slots sorted). */
function busiestWindow(slots: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < slots.length; i++) {
    while (slots[i]! - slots[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

test('a crowd of takers on several instances: every one is granted, within rate + burst in every window, never early', async () => {
  const limit = { perSecond: 50, burst: 5 };
  const interval = 1000 / limit.perSecond;
  const pool = limiters(`contention-${Date.now()}`, 6, limit);
  const TAKERS = 240;
  const grants = await Promise.all(
    Array.from({ length: TAKERS }, async (_, i) => {
      const limiter = pool[i % pool.length]!;
      const r = await limiter.reserve(1);
      await limiter.waitFor(r, 0);
      return { slot: r.startsAt, startedAt: Date.now() };
    }),
  );
  assert.equal(grants.length, TAKERS, 'none lost');
  const slots = grants.map((g) => g.slot).sort((a, b) => a - b);
  for (const g of grants) assert.ok(g.startedAt >= g.slot - 2, `a call started ${g.slot - g.startedAt} ms before its slot`);
  assert.ok(busiestWindow(slots, 1000) <= limit.perSecond + limit.burst, `${busiestWindow(slots, 1000)} slots in one second`);
  // No two slots closer than the interval, but for the burst credit at the start.
  const tooClose = slots.slice(1).filter((s, i) => s - slots[i]! < interval - 1e-3).length;
  assert.ok(tooClose <= limit.burst - 1, `${tooClose} pairs of slots closer than ${interval} ms`);
  // And no slack: the crowd is served at the rate (the span is what the rate needs, give or take the burst).
  const span = slots.at(-1)! - slots[0]!;
  assert.ok(span >= (TAKERS - limit.burst) * interval - 1e-3 && span <= (TAKERS + 5) * interval, `${TAKERS} slots over ${span} ms`);
});

test('reservations of many calls at once (as a broadcast chunk takes them) from several instances never overlap, and all are granted', async () => {
  const limit = { perSecond: 1000, burst: 1 };
  const interval = 1000 / limit.perSecond;
  const name = `chunks-${Date.now()}`;
  const pool = limiters(name, 5, limit);
  const sizes = Array.from({ length: 120 }, (_, i) => 1 + (i % 30));
  const reservations = await Promise.all(sizes.map((n, i) => pool[i % pool.length]!.reserve(n).then((r) => ({ ...r, n }))));
  const slots = reservations.flatMap((r) => Array.from({ length: r.n }, (_, k) => r.startsAt + k * r.intervalMs)).sort((a, b) => a - b);
  const total = sizes.reduce((a, b) => a + b, 0);
  assert.equal(slots.length, total);
  for (let i = 1; i < slots.length; i++) assert.ok(slots[i]! - slots[i - 1]! >= interval - 1e-3, `slots ${i - 1} and ${i} overlap`);
  // The stored state is where the last reservation ends: nothing was granted that the bucket did not record.
  const stored = (await table.doc.send(new GetCommand({ TableName: table.name, Key: { pk: `RATE#${name}`, sk: 'STATE' }, ConsistentRead: true }))).Item?.tat;
  assert.ok(Math.abs(Number(stored) - (slots.at(-1)! + interval)) < 1e-3, `stored ${stored}, last slot ends at ${slots.at(-1)! + interval}`);
});
