import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { dynamoPointsLedger } from '../lib/members/dynamoPointsLedger';
import { dynamoExpiryIndex, expirePoints, membersWithLotsExpiring } from '../lib/members/expirePoints';
import { changePoints } from '../lib/members/grantPoints';
import type { Table } from '../lib/store/dynamo';
import { useTestTable } from './support/testTable';

let table: Table;
before(async () => {
  table = await useTestTable();
});

test('points earned in a year expire at the end of the next; spending drains the oldest lot first; reruns do nothing', async () => {
  const members = dynamoMemberStore(table);
  await members.recordInteraction('o_expiry_1', { kind: 'event', at: Date.now(), event: 'subscribe' });
  const clock = fixedClock(Date.parse('2026-03-01T04:00:00Z'));
  const ports = {
    ledger: dynamoPointsLedger(table),
    levels: async () => DEFAULT_LEVELS,
    expiryPolicy: async () => ({ type: 'endOfNextYear' as const }),
    timeZone: 'Asia/Shanghai',
    clock,
    members,
    ...dynamoExpiryIndex(table),
  };
  await changePoints(ports, 'o_expiry_1', { delta: 100, reason: 'order 2026', idempotencyKey: 'o2026', kind: 'grant' }); // lot 2027-12-31
  clock.set(Date.parse('2027-05-01T04:00:00Z'));
  await changePoints(ports, 'o_expiry_1', { delta: 40, reason: 'order 2027', idempotencyKey: 'o2027', kind: 'grant' }); // lot 2028-12-31
  await changePoints(ports, 'o_expiry_1', { delta: -30, reason: 'coupon', idempotencyKey: 'r1', kind: 'redeem' }); // from the 2026 lot

  assert.deepEqual(await membersWithLotsExpiring(table, '2027-12-31'), ['o_expiry_1']);
  clock.set(Date.parse('2028-01-01T01:00:00Z'));
  const run = await expirePoints(ports, '2027-12-31');
  assert.deepEqual(run, { members: 1, pointsExpired: 70 });
  const member = (await members.get('o_expiry_1')) as unknown as { points: number; pointLots: Record<string, number>; lifetimePoints: number };
  assert.equal(member.points, 40);
  assert.deepEqual(member.pointLots, { '2028-12-31': 40 });
  assert.equal(member.lifetimePoints, 140, 'expiry does not lower lifetime points');
  const ledger = await ports.ledger.list('o_expiry_1', { limit: 10 });
  assert.equal(ledger.entries[0]!.kind, 'expire');
  assert.equal(ledger.entries[0]!.delta, -70);
  assert.match(ledger.entries[0]!.reason, /2027-12-31/);

  assert.deepEqual(await expirePoints(ports, '2027-12-31'), { members: 0, pointsExpired: 0 });
  assert.deepEqual(await membersWithLotsExpiring(table, '2027-12-31'), [], 'handled members leave the index');
});
