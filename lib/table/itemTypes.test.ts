import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEMBER_ITEM_FAMILIES, PARTITION_FAMILIES } from '../privacy/memberData';
import { isMemberPk, itemTypes, memberNamingItemTypes, skSegment } from './index';

const ITEM_TYPES = itemTypes();
const MEMBER_NAMING_ITEM_TYPES = memberNamingItemTypes();

const holders = (key: { pk: string; sk: string }) => MEMBER_ITEM_FAMILIES.filter((f) => f.holds(key)).map((f) => f.name);

test('every item type that carries an openid is one family of the erasure and export registry', () => {
  const withOpenid = ITEM_TYPES.filter((t) => t.names.includes('openid'));
  // The schema lists the kinds that name a member outside their partition too, not only the partition's.
  for (const name of ['member profile', 'coupon', 'taken share', 'round', 'payout order', 'pending link note', 'lookup']) {
    assert.ok(
      withOpenid.some((t) => t.name === name),
      `the schema says ${name} carries an openid`,
    );
  }
  const uncovered = withOpenid
    .filter((t) => holders(t.example).length !== 1)
    .map((t) => `${t.name} (${t.key}): ${holders(t.example).join(', ') || 'no family'}`);
  assert.deepEqual(uncovered, [], 'register these for erasure and export in lib/privacy/memberData.ts');
});

test('every item type that names a member by phone or unionid is covered too', () => {
  const uncovered = MEMBER_NAMING_ITEM_TYPES.filter((t) => holders(t.example).length !== 1).map((t) => `${t.name} (${t.key})`);
  assert.deepEqual(uncovered, []);
});

test('every family holds an item type the schema lists, and none holds an item that names no one', () => {
  const stale = MEMBER_ITEM_FAMILIES.filter((f) => !MEMBER_NAMING_ITEM_TYPES.some((t) => f.holds(t.example))).map((f) => f.name);
  assert.deepEqual(stale, [], 'families for item types the schema does not know');
  const overreach = ITEM_TYPES.filter((t) => t.names.length === 0 && holders(t.example).length > 0).map((t) => `${t.name}: ${holders(t.example).join(', ')}`);
  assert.deepEqual(overreach, [], 'families that would erase items naming no one');
});

test("the member's partition holds only item types that name the member, and erasure deletes each kind of them", () => {
  const inPartition = ITEM_TYPES.filter((t) => isMemberPk(t.example.pk));
  assert.deepEqual(
    inPartition.filter((t) => !t.names.includes('openid')).map((t) => t.name),
    [],
  );
  assert.deepEqual(PARTITION_FAMILIES.map((f) => f.sk).sort(), [...new Set(inPartition.map((t) => skSegment(t.example.sk)))].sort());
  assert.ok(PARTITION_FAMILIES.every((f) => f.action === 'delete'));
});

test('item types are named once, and their example keys are told apart', () => {
  const names = ITEM_TYPES.map((t) => t.name);
  assert.deepEqual([...new Set(names)], names);
  const keys = ITEM_TYPES.map((t) => `${t.example.pk}|${t.example.sk}`);
  assert.deepEqual([...new Set(keys)], keys);
});
