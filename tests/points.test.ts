import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { fixedClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { dynamoPointsLedger } from '../lib/members/dynamoPointsLedger';
import { changePoints, type PointsPorts } from '../lib/members/grantPoints';
import { DEFAULT_SIGNIN_RULES, signIn } from '../lib/signin/signIn';
import type { Table } from '../lib/store/dynamo';
import { loadHandlers } from './support/handlers';
import { useTestTable } from './support/testTable';

let table: Table;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  table = await useTestTable();
  handlers = await loadHandlers();
});

const admin = (method: string, path: string, body?: unknown, query: Record<string, string> = {}) => handlers.admin(method, path, body, { query });

async function newMember(openid: string) {
  await dynamoMemberStore(table).recordInteraction(openid, { kind: 'event', at: Date.now(), event: 'subscribe' });
}

function ports(t: Table = table, clock = fixedClock(Date.parse('2026-11-23T02:00:00Z'))): PointsPorts & { clock: ReturnType<typeof fixedClock> } {
  return { ledger: dynamoPointsLedger(t), levels: async () => DEFAULT_LEVELS, clock };
}

async function ledgerItems(openid: string) {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
      ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':l': 'LEDGER#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

test('admin: grant, same key again changes nothing, overdraw is 409, ledger pages with a cursor', async () => {
  await newMember('o_pts_admin');
  const first = await admin('POST', '/admin/members/o_pts_admin/points', { delta: 50, reason: '到店消费', idempotencyKey: 'order-1' });
  assert.equal(first.status, 201);
  assert.equal(first.body.balance, 50);
  const again = await admin('POST', '/admin/members/o_pts_admin/points', { delta: 50, reason: '到店消费', idempotencyKey: 'order-1' });
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  for (let i = 2; i <= 4; i++) await admin('POST', '/admin/members/o_pts_admin/points', { delta: 10 * i, reason: `r${i}`, idempotencyKey: `order-${i}` });
  const overdraw = await admin('POST', '/admin/members/o_pts_admin/points', { delta: -1000, reason: '兑换', idempotencyKey: 'redeem-1' });
  assert.equal(overdraw.status, 409);
  assert.match(overdraw.body.error, /too low/);

  const page1 = await admin('GET', '/admin/members/o_pts_admin/points', undefined, { limit: '3' });
  assert.equal(page1.body.balance, 140);
  assert.equal(page1.body.ledger.length, 3);
  assert.equal(page1.body.ledger[0].delta, 40, 'newest first');
  const page2 = await admin('GET', '/admin/members/o_pts_admin/points', undefined, { limit: '3', cursor: page1.body.cursor });
  assert.deepEqual(
    page2.body.ledger.map((e: { delta: number }) => e.delta),
    [50],
  );
  assert.equal(page2.body.cursor, null);

  const forged = Buffer.from(JSON.stringify({ pk: 'MEMBER#someone_else', sk: 'LEDGER#x' })).toString('base64url');
  assert.equal((await admin('GET', '/admin/members/o_pts_admin/points', undefined, { cursor: forged })).status, 400);
  assert.equal((await admin('POST', '/admin/members/o_nobody/points', { delta: 5, reason: 'x', idempotencyKey: 'k' })).status, 404);
  const bad = await admin('POST', '/admin/members/o_pts_admin/points', { delta: 0, reason: '', idempotencyKey: 'has space' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /delta/);
  assert.match(bad.body.error, /idempotencyKey/);
});

test('reaching a threshold upgrades the level, records it and queues a notice, atomically', async () => {
  await newMember('o_pts_level');
  const r = await changePoints(ports(), 'o_pts_level', { delta: 600, reason: 'big order', idempotencyKey: 'o-600', kind: 'grant' });
  assert.equal(r.status, 'applied');
  assert.equal(r.status === 'applied' && r.member.level, '银卡');
  const m = await dynamoMemberStore(table).get('o_pts_level');
  assert.equal(m?.level, '银卡');
  const out = await table.doc.send(
    new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'MEMBER#o_pts_level' } }),
  );
  const sks = (out.Items ?? []).map((i) => String(i.sk));
  assert.ok(sks.some((s) => s.startsWith('LEVEL#')));
  assert.ok(sks.some((s) => s.startsWith('NOTICE#') && s.endsWith('level-changed')));
  // Spending points does not cost the level.
  await changePoints(ports(), 'o_pts_level', { delta: -500, reason: 'redeem', idempotencyKey: 'r-500', kind: 'redeem' });
  assert.equal((await dynamoMemberStore(table).get('o_pts_level'))?.level, '银卡');
});

test('admin: the level history lists upgrades newest first, pages with a cursor, and refuses a bad query', async () => {
  await newMember('o_pts_history');
  const at = (iso: string) => ports(table, fixedClock(Date.parse(iso)));
  await changePoints(at('2026-11-01T02:00:00Z'), 'o_pts_history', { delta: 600, reason: 'order', idempotencyKey: 'h-600', kind: 'grant' });
  await changePoints(at('2026-11-02T02:00:00Z'), 'o_pts_history', { delta: 100, reason: 'order', idempotencyKey: 'h-100', kind: 'grant' });
  await changePoints(at('2026-11-03T02:00:00Z'), 'o_pts_history', { delta: 1500, reason: 'order', idempotencyKey: 'h-1500', kind: 'grant' });

  const all = await admin('GET', '/admin/members/o_pts_history/levels');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, {
    changes: [
      { at: '2026-11-03T02:00:00.000Z', from: '银卡', to: '金卡' },
      { at: '2026-11-01T02:00:00.000Z', from: '普通', to: '银卡' },
    ],
    cursor: null,
  });
  const page1 = await admin('GET', '/admin/members/o_pts_history/levels', undefined, { limit: '1' });
  assert.deepEqual(
    page1.body.changes.map((c: { to: string }) => c.to),
    ['金卡'],
  );
  const page2 = await admin('GET', '/admin/members/o_pts_history/levels', undefined, { limit: '1', cursor: page1.body.cursor });
  assert.deepEqual(
    page2.body.changes.map((c: { to: string }) => c.to),
    ['银卡'],
  );

  const forged = Buffer.from(JSON.stringify({ pk: 'MEMBER#o_pts_level', sk: 'LEVEL#x' })).toString('base64url');
  assert.equal((await admin('GET', '/admin/members/o_pts_history/levels', undefined, { cursor: forged })).status, 400);
  const bad = await admin('GET', '/admin/members/o_pts_history/levels', undefined, { limit: '0' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.issues[0].path, 'limit');
  assert.deepEqual((await admin('GET', '/admin/members/o_nobody/levels')).body, { changes: [], cursor: null });
});

/** The only error the flaky table below throws; anything else is a real failure of the code under test. */
class InjectedCrash extends Error {}

test('ledger and balance agree under random operations with injected crashes (property)', async () => {
  let run = 0;
  const crashes = { before: 0, after: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          delta: fc.integer({ min: -80, max: 100 }).filter((d) => d !== 0),
          key: fc.integer({ min: 0, max: 12 }),
          crash: fc.constantFrom('none', 'before', 'after'),
        }),
        { minLength: 1, maxLength: 15 },
      ),
      async (ops) => {
        const openid = `o_prop_${run++}`;
        await newMember(openid);
        // A table whose transactional write can "crash": before it is sent, or after it committed but before the caller hears back.
        let crash: 'none' | 'before' | 'after' = 'none';
        const send = table.doc.send.bind(table.doc) as (c: unknown) => Promise<unknown>;
        const flaky = {
          ...table,
          doc: {
            send: async (cmd: { constructor: { name: string } }) => {
              if (cmd.constructor.name === 'TransactWriteCommand' && crash === 'before') throw new InjectedCrash('crash before write');
              const out = await send(cmd);
              if (cmd.constructor.name === 'TransactWriteCommand' && crash === 'after') throw new InjectedCrash('crash after write');
              return out;
            },
          },
        } as unknown as Table;
        const p = ports(flaky);
        const applied = new Map<string, number>();
        let model = 0;
        for (const op of ops) {
          const change = { delta: op.delta, reason: 'prop', idempotencyKey: `k${op.key}`, kind: 'adjust' as const };
          crash = op.crash;
          let result: Awaited<ReturnType<typeof changePoints>>;
          try {
            result = await changePoints(p, openid, change);
          } catch (err) {
            // Only the injected crash may escape; any other error fails the property.
            if (!(err instanceof InjectedCrash)) throw err;
            crashes[op.crash as 'before' | 'after']++;
            // Retried with the same key, as WeChat or an operator would; this time nothing crashes.
            crash = 'none';
            result = await changePoints(p, openid, change);
          }
          const what = `${JSON.stringify(op)} at balance ${model}: ${JSON.stringify(result)}`;
          if (applied.has(change.idempotencyKey)) {
            assert.equal(result.status, 'duplicate', `a used key changes nothing: ${what}`);
          } else if (model + op.delta < 0) {
            assert.deepEqual(result, { status: 'insufficient', balance: model }, `an overdraft is refused: ${what}`);
          } else {
            // Applied now, or (crashed after the commit) found applied by the retry: either way exactly once.
            assert.equal(result.status, op.crash === 'after' ? 'duplicate' : 'applied', what);
            assert.ok(result.status === 'applied' || result.status === 'duplicate');
            assert.equal(result.entry.delta, op.delta, what);
            applied.set(change.idempotencyKey, op.delta);
            model += op.delta;
          }
        }
        const member = await dynamoMemberStore(table).get(openid);
        const ledger = await ledgerItems(openid);
        const sum = ledger.reduce((s, e) => s + Number(e.delta), 0);
        assert.equal(member?.points, sum, 'balance equals the ledger sum');
        assert.equal(sum, model, 'every key applied exactly once');
        assert.ok((member?.points ?? 0) >= 0);
        assert.equal(new Set(ledger.map((e) => e.idempotencyKey)).size, ledger.length);
        assert.deepEqual(new Set(ledger.map((e) => e.idempotencyKey)), new Set(applied.keys()), 'the ledger holds exactly the applied keys');
      },
    ),
    { numRuns: 25, seed: 20261123 },
  );
  // The crashes really happened (both kinds), so the retries above were exercised.
  assert.ok(crashes.before > 10 && crashes.after > 10, JSON.stringify(crashes));
});

test('a crowd: simultaneous sign-ins award once, simultaneous grants all land', async () => {
  await newMember('o_pts_crowd');
  const p = { ...ports(), rules: async () => DEFAULT_SIGNIN_RULES, timeZone: 'Asia/Shanghai' };
  const signIns = Array.from({ length: 10 }, () => signIn(p, 'o_pts_crowd'));
  const grants = Array.from({ length: 15 }, (_, i) =>
    changePoints(p, 'o_pts_crowd', { delta: 3, reason: 'crowd', idempotencyKey: `crowd-${i}`, kind: 'grant' }),
  );
  const [signInResults, grantResults] = await Promise.all([Promise.all(signIns), Promise.all(grants)]);
  assert.equal(signInResults.filter((r) => r.status === 'signed-in').length, 1);
  assert.equal(signInResults.filter((r) => r.status === 'already').length, 9);
  assert.ok(grantResults.every((r) => r.status === 'applied'));
  const member = await dynamoMemberStore(table).get('o_pts_crowd');
  assert.equal(member?.points, DEFAULT_SIGNIN_RULES.pointsPerDay + 15 * 3);
  assert.equal((await ledgerItems('o_pts_crowd')).length, 16);
});

test('sign-in streaks across business days, with the day-7 bonus', async () => {
  await newMember('o_pts_streak');
  const clock = fixedClock(Date.parse('2026-11-23T15:00:00Z')); // 23:00 in Shanghai
  const p = { ...ports(table, clock), rules: async () => DEFAULT_SIGNIN_RULES, timeZone: 'Asia/Shanghai' };
  const results = [];
  for (let day = 0; day < 7; day++) {
    results.push(await signIn(p, 'o_pts_streak'));
    clock.advance(2 * 3600 * 1000); // 01:00 next day there: a new business day although only two hours passed
    results.push(await signIn(p, 'o_pts_streak'));
    clock.advance(22 * 3600 * 1000);
  }
  const firsts = results.filter((r) => r.status === 'signed-in');
  assert.equal(firsts.length, 8, 'the 01:00 sign-in is already the next business day');
  assert.deepEqual(
    firsts.map((r) => r.status === 'signed-in' && r.streak),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  const day7 = firsts[6]!;
  assert.equal(day7.status === 'signed-in' && day7.bonus, 50);
});

test('admin: the points expiry policy is read, changed, and validated', async () => {
  assert.deepEqual((await admin('GET', '/admin/points-policy')).body, { expiry: { type: 'endOfNextYear' } });
  assert.equal((await admin('PUT', '/admin/points-policy', { expiry: { type: 'days', days: 365 } })).status, 200);
  assert.deepEqual((await admin('GET', '/admin/points-policy')).body, { expiry: { type: 'days', days: 365 } });
  const bad = await admin('PUT', '/admin/points-policy', { expiry: { type: 'days', days: 0 } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /expiry\.days/);
});
