import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, decodeMember, isNumber, isString, ItemShapeError, opt, req, updateExpression, withoutKeys } from './index';

test('decode hands the item on typed, untouched; a missing or mistyped attribute is an ItemShapeError naming it', () => {
  const item = { pk: 'X#1', sk: 'Y', n: 3, extra: true };
  const d = decode(item, { n: req(isNumber), s: opt(isString) }, 'thing');
  assert.equal(d, item);
  assert.throws(
    () => decode({ pk: 'X#1', sk: 'Y' }, { n: req(isNumber) }, 'thing'),
    (e: unknown) => e instanceof ItemShapeError && /thing X#1\/Y: attribute n is missing/.test(e.message),
  );
  assert.throws(() => decode({ n: '3' }, { n: req(isNumber) }, 'thing'), /attribute n is not what it should be \(string\)/);
  assert.throws(() => decode({ s: 1 }, { s: opt(isString) }, 'thing'), ItemShapeError);
});

test('a member profile comes back without its keys, with the stored fields it has and the defaults it lacks', () => {
  const m = decodeMember({
    pk: 'MEMBER#o',
    sk: 'PROFILE',
    gsi1pk: 'LEVEL#普通#3',
    gsi3sk: 't',
    openid: 'o',
    firstSeenAt: 'a',
    lastInteractionAt: 'b',
    lifetimePoints: 7,
    pointLots: { '2027-12-31': 7 },
  });
  assert.deepEqual(m, {
    openid: 'o',
    firstSeenAt: 'a',
    lastInteractionAt: 'b',
    lifetimePoints: 7,
    pointLots: { '2027-12-31': 7 },
    points: 0,
    level: '普通',
    tags: [],
    subscribed: false,
  });
  assert.throws(
    () => decodeMember({ pk: 'MEMBER#o', sk: 'PROFILE', openid: 'o', firstSeenAt: 'a', lastInteractionAt: 'b', points: '7' }),
    /member profile MEMBER#o\/PROFILE: attribute points/,
  );
});

test('withoutKeys drops the table and index keys only', () => {
  assert.deepEqual(withoutKeys({ pk: 1, sk: 2, gsi1pk: 3, gsi1sk: 4, gsi2pk: 5, gsi2sk: 6, gsi3pk: 7, gsi3sk: 8, a: 9 }), { a: 9 });
});

test('updateExpression: every attribute behind a placeholder, undefined left out, empty maps omitted', () => {
  assert.deepEqual(updateExpression({ set: { status: 'closed', prize: undefined, n: 1 }, remove: ['lease'] }), {
    UpdateExpression: 'SET #s0 = :s0, #s1 = :s1 REMOVE #r0',
    ExpressionAttributeNames: { '#s0': 'status', '#s1': 'n', '#r0': 'lease' },
    ExpressionAttributeValues: { ':s0': 'closed', ':s1': 1 },
  });
  assert.deepEqual(updateExpression({ add: { 'sent.custom': 2 } }), {
    UpdateExpression: 'ADD #n0 :n0',
    ExpressionAttributeNames: { '#n0': 'sent.custom' },
    ExpressionAttributeValues: { ':n0': 2 },
  });
  assert.deepEqual(updateExpression({ setClauses: ['x = if_not_exists(x, :z)'], values: { ':z': 0 } }), {
    UpdateExpression: 'SET x = if_not_exists(x, :z)',
    ExpressionAttributeValues: { ':z': 0 },
  });
  assert.throws(() => updateExpression({ set: { a: undefined } }), /nothing to set/);
});
