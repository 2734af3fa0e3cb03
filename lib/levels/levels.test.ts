import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LEVELS, levelFor, progressToNext } from './levels';
import { levelsSchema } from './levelsSchema';

test('the default levels are what the admin schema accepts, unchanged', () => {
  assert.deepEqual(levelsSchema.parse({ levels: DEFAULT_LEVELS }).levels, DEFAULT_LEVELS);
});

test('a level is reached by lifetime points or by spend, whichever comes first', () => {
  assert.equal(levelFor(DEFAULT_LEVELS, 0, 0).name, '普通');
  assert.equal(levelFor(DEFAULT_LEVELS, 499, 49_999).name, '普通');
  assert.equal(levelFor(DEFAULT_LEVELS, 500, 0).name, '银卡');
  assert.equal(levelFor(DEFAULT_LEVELS, 0, 200_000).name, '金卡');
  assert.equal(levelFor(DEFAULT_LEVELS, 10_000, 0).name, '钻石');
  assert.deepEqual(progressToNext(DEFAULT_LEVELS, '银卡', 600, 10_000), { next: DEFAULT_LEVELS[2], pointsNeeded: 1400, spendNeededFen: 190_000 });
  assert.equal(progressToNext(DEFAULT_LEVELS, '钻石', 20_000, 0), undefined);
});

test('thresholds must grow and names must be unique', () => {
  const r = levelsSchema.safeParse({
    levels: [
      { name: 'a', minLifetimePoints: 0 },
      { name: 'a', minLifetimePoints: 0 },
    ],
  });
  assert.equal(r.success, false);
  const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  assert.ok(paths.includes('levels.1.name'));
  assert.ok(paths.includes('levels.1.minLifetimePoints'));
});
