import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { activityBounds, planSegment, SELECTIVITY } from './plan';
import { DAY_MS, MAX_SEGMENT_DEPTH, matchesSegment, segmentSchema, type Segment, type SegmentMember } from './segment';
import { SHARDS, shardOf } from './shard';

const NOW = Date.parse('2026-11-23T04:00:00.000Z');
const LEVELS = ['普通', '银卡', '金卡', '钻石'];
const TAGS = ['吃货', '辣', '素食', 'VIP'];

const member = (over: Partial<SegmentMember> = {}): SegmentMember => ({
  level: '普通',
  tags: [],
  lastInteractionAt: new Date(NOW - 3 * DAY_MS).toISOString(),
  subscribed: true,
  points: 0,
  ...over,
});

const leafArb: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ level: fc.record({ in: fc.subarray(LEVELS, { minLength: 1 }) }) }),
  fc.record({ tag: fc.constantFrom(...TAGS) }),
  fc.record({ dormantDays: fc.record({ gte: fc.integer({ min: 0, max: 40 }) }) }),
  fc.record({ dormantDays: fc.record({ lte: fc.integer({ min: 0, max: 40 }) }) }),
  fc.record({ subscribed: fc.boolean() }),
  fc.record({ source: fc.constantFrom('summer', 'store') }),
  fc.record({ pointsBalance: fc.record({ gte: fc.integer({ min: 0, max: 500 }) }) }),
);
const segmentArb: fc.Arbitrary<Segment> = fc.letrec<{ seg: Segment }>((tie) => ({
  seg: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ all: fc.array(tie('seg'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('seg'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('seg') }),
  ),
})).seg;
const memberArb: fc.Arbitrary<SegmentMember> = fc.record({
  level: fc.constantFrom(...LEVELS),
  tags: fc.subarray(TAGS),
  lastInteractionAt: fc.integer({ min: 0, max: 60 * DAY_MS }).map((ago) => new Date(NOW - ago).toISOString()),
  subscribed: fc.boolean(),
  source: fc.option(fc.constantFrom('summer', 'store'), { nil: undefined }),
  points: fc.integer({ min: 0, max: 1000 }),
});

test('matchesSegment: each predicate', () => {
  const m = member({ level: '金卡', tags: ['吃货'], source: 'summer', points: 120, lastInteractionAt: new Date(NOW - 14 * DAY_MS).toISOString() });
  assert.equal(matchesSegment({ level: { in: ['金卡', '钻石'] } }, m, NOW), true);
  assert.equal(matchesSegment({ level: { in: ['银卡'] } }, m, NOW), false);
  assert.equal(matchesSegment({ tag: '吃货' }, m, NOW), true);
  assert.equal(matchesSegment({ tag: '辣' }, m, NOW), false);
  assert.equal(matchesSegment({ dormantDays: { gte: 14 } }, m, NOW), true, 'exactly 14 days counts');
  assert.equal(matchesSegment({ dormantDays: { gte: 15 } }, m, NOW), false);
  assert.equal(matchesSegment({ dormantDays: { lte: 13 } }, m, NOW), false);
  assert.equal(matchesSegment({ subscribed: true }, m, NOW), true);
  assert.equal(matchesSegment({ source: 'summer' }, m, NOW), true);
  assert.equal(matchesSegment({ pointsBalance: { gte: 100, lte: 120 } }, m, NOW), true);
  assert.equal(matchesSegment({ pointsBalance: { gte: 121 } }, m, NOW), false);
  const issueExample: Segment = { all: [{ level: { in: ['金卡', '钻石'] } }, { tag: '吃货' }, { dormantDays: { gte: 14 } }, { subscribed: true }] };
  assert.equal(matchesSegment(issueExample, m, NOW), true);
  assert.equal(matchesSegment(issueExample, { ...m, subscribed: false }, NOW), false);
  assert.equal(
    matchesSegment({ dormantDays: { gte: 0 } }, { ...m, lastInteractionAt: undefined as unknown as string }, NOW),
    false,
    'never interacted: no dormancy',
  );
});

test('matchesSegment properties: not inverts, all/any of one is the one, De Morgan', () => {
  fc.assert(
    fc.property(segmentArb, segmentArb, memberArb, (a, b, m) => {
      assert.equal(matchesSegment({ not: a }, m, NOW), !matchesSegment(a, m, NOW));
      assert.equal(matchesSegment({ all: [a] }, m, NOW), matchesSegment(a, m, NOW));
      assert.equal(matchesSegment({ any: [a] }, m, NOW), matchesSegment(a, m, NOW));
      assert.equal(matchesSegment({ not: { all: [a, b] } }, m, NOW), matchesSegment({ any: [{ not: a }, { not: b }] }, m, NOW));
      assert.equal(matchesSegment({ not: { any: [a, b] } }, m, NOW), matchesSegment({ all: [{ not: a }, { not: b }] }, m, NOW));
    }),
    { numRuns: 500 },
  );
});

test('segmentSchema: accepts the language, rejects with the path of the problem', () => {
  const ok = segmentSchema.safeParse({
    all: [
      { level: { in: ['金卡'] } },
      { tag: '吃货' },
      { not: { dormantDays: { gte: 14, lte: 30 } } },
      { any: [{ subscribed: true }, { source: 'summer' }, { pointsBalance: { lte: 10 } }] },
    ],
  });
  assert.equal(ok.success, true);
  const cases: [unknown, RegExp][] = [
    [{ all: [{ level: { in: [] } }] }, /^all\.0\.level\.in: list at least one level/],
    [{ all: [] }, /^all: expected a list of 1–20 segments/],
    [{ tag: '' }, /^tag:/],
    [{ tag: 'x'.repeat(33) }, /^tag:/],
    [{ tag: 'a', level: { in: ['b'] } }, /exactly one key/],
    [{}, /exactly one key/],
    [{ colour: 'red' }, /^colour: unknown segment key/],
    [{ dormantDays: {} }, /^dormantDays: give gte, lte or both/],
    [{ dormantDays: { gte: 20, lte: 10 } }, /^dormantDays: gte must not be above lte/],
    [{ dormantDays: { gte: -1 } }, /^dormantDays\.gte:/],
    [{ subscribed: 'yes' }, /^subscribed:/],
    [{ not: { not: { not: { not: { not: { tag: 'x' } } } } } }, /nest at most 5 deep/],
    ['吃货', /expected a segment object/],
  ];
  for (const [input, message] of cases) {
    const r = segmentSchema.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    const text = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    assert.match(text, message, JSON.stringify(input));
  }
  // Depth 5 is allowed: four combinators around a leaf.
  assert.equal(segmentSchema.safeParse({ not: { not: { not: { not: { tag: 'x' } } } } }).success, true);
  assert.equal(MAX_SEGMENT_DEPTH, 5);
});

test('planSegment: the most selective indexed predicate drives an all; any is a union; the rest walks activity', () => {
  assert.deepEqual(planSegment({ tag: '吃货' }), { sources: [{ index: 'tag', tag: '吃货' }], driver: 'tag' });
  assert.deepEqual(planSegment({ all: [{ dormantDays: { gte: 14 } }, { level: { in: ['金卡', '钻石'] } }, { tag: '吃货' }, { subscribed: true }] }), {
    sources: [{ index: 'tag', tag: '吃货' }],
    driver: 'tag',
  });
  assert.deepEqual(planSegment({ all: [{ dormantDays: { gte: 14 } }, { level: { in: ['金卡', '钻石'] } }] }), {
    sources: [
      { index: 'level', level: '金卡' },
      { index: 'level', level: '钻石' },
    ],
    driver: 'level',
  });
  assert.deepEqual(planSegment({ all: [{ subscribed: true }, { dormantDays: { gte: 14 } }] }), {
    sources: [{ index: 'activity', dormantDays: { gte: 14 } }],
    driver: 'dormantDays',
  });
  assert.deepEqual(planSegment({ any: [{ tag: 'a' }, { level: { in: ['钻石'] } }, { tag: 'a' }] }), {
    sources: [
      { index: 'tag', tag: 'a' },
      { index: 'level', level: '钻石' },
    ],
    driver: 'union',
  });
  assert.deepEqual(planSegment({ any: [{ tag: 'a' }, { subscribed: true }] }), { sources: [{ index: 'activity' }], driver: 'walk' });
  assert.deepEqual(planSegment({ not: { tag: 'a' } }), { sources: [{ index: 'activity' }], driver: 'walk' });
  assert.deepEqual(planSegment({ subscribed: true }), { sources: [{ index: 'activity' }], driver: 'walk' });
  assert.deepEqual(planSegment({ all: [{ not: { tag: 'a' } }, { level: { in: ['银卡'] } }] }).driver, 'level');
  assert.ok(SELECTIVITY.tag < SELECTIVITY.level && SELECTIVITY.level < SELECTIVITY.dormantDays);
});

test('activityBounds agree with whole-day dormancy at the edges', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 * DAY_MS }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (ago, g, l) => {
      const at = new Date(NOW - ago).toISOString();
      const m = member({ lastInteractionAt: at });
      const { from, to } = activityBounds({ gte: g, lte: l }, NOW);
      const inBounds = (!from || at >= from) && (!to || at <= to);
      assert.equal(inBounds, matchesSegment({ dormantDays: { gte: g, lte: l } }, m, NOW));
    }),
    { numRuns: 2000 },
  );
  for (const edge of [14 * DAY_MS - 1, 14 * DAY_MS, 15 * DAY_MS - 1, 15 * DAY_MS]) {
    const at = new Date(NOW - edge).toISOString();
    const { from, to } = activityBounds({ gte: 14, lte: 14 }, NOW);
    assert.equal(at >= from! && at <= to!, matchesSegment({ dormantDays: { gte: 14, lte: 14 } }, member({ lastInteractionAt: at }), NOW), `edge ${edge}`);
  }
});

test('shardOf is stable and spreads openids over the 16 shards', () => {
  assert.equal(shardOf('oABC123'), shardOf('oABC123'));
  const counts = new Array(SHARDS).fill(0);
  for (let i = 0; i < 16_000; i++) counts[shardOf(`o6_bmjrPTlm6_2sgVt7hMZOPfL${i}`)]++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `uneven shards: ${counts.join(',')}`);
  // Pinned values: changing the hash would strand every index entry already written.
  assert.deepEqual(['a', 'oFoo', '吃货'].map(shardOf), [12, 14, 6]);
});

test('a segment key that names an Object.prototype member is an unknown key, not a crash', () => {
  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__']) {
    // JSON.parse makes `__proto__` an own key, as a request body would.
    for (const value of [JSON.parse(`{"${key}": {}}`), JSON.parse(`{"all": [{"${key}": "x"}]}`), JSON.parse(`{"not": {"${key}": 1}}`)]) {
      const r = segmentSchema.safeParse(value);
      assert.equal(r.success, false, key);
      assert.match(r.error!.issues.map((i) => i.message).join(' '), /unknown segment key/, key);
    }
  }
});
