import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fixedClock } from '../clock/clock';
import type { Member } from '../members/member';
import { activityBounds, type IndexSource } from './plan';
import { DAY_MS, matchesSegment, type Segment } from './segment';
import { selectMembers, previewSegment, BadSegmentCursorError, type IndexKey, type SegmentIndex } from './select';
import { shardOf } from './shard';

const NOW = Date.parse('2026-11-23T04:00:00.000Z');
const LEVELS = ['普通', '银卡', '金卡', '钻石'];
const TAGS = ['吃货', '辣', '素食', 'VIP'];

/** The sharded indexes in memory, sorted like DynamoDB sorts them, with items-read accounting. */
function memoryIndex(members: Member[]): SegmentIndex & { reads: number } {
  const idx = {
    reads: 0,
    async query(source: IndexSource, shard: number, { nowMs, limit, startKey }: { nowMs: number; limit: number; startKey?: IndexKey }) {
      let rows = members.filter((m) => shardOf(m.openid) === shard);
      let sortKey: (m: Member) => string = (m) => m.openid;
      if (source.index === 'tag') rows = rows.filter((m) => m.tags.includes(source.tag));
      if (source.index === 'level') rows = rows.filter((m) => m.level === source.level);
      if (source.index === 'activity') {
        const { from, to } = activityBounds(source.dormantDays ?? {}, nowMs);
        rows = rows.filter((m) => (!from || m.lastInteractionAt >= from) && (!to || m.lastInteractionAt <= to));
        sortKey = (m) => `${m.lastInteractionAt}|${m.openid}`;
      }
      rows.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
      const start = startKey ? rows.findIndex((m) => sortKey(m) === startKey.k) + 1 : 0;
      const page = rows.slice(start, start + limit);
      const more = start + limit < rows.length;
      const read = page.length * (source.index === 'tag' ? 2 : 1);
      idx.reads += read;
      return { items: page.map((m) => ({ member: m, key: { k: sortKey(m) } })), itemsRead: read, ...(more ? { lastKey: { k: sortKey(page.at(-1)!) } } : {}) };
    },
  };
  return idx;
}

const memberArb = (i: number): fc.Arbitrary<Member> =>
  fc
    .record({
      level: fc.constantFrom(...LEVELS),
      tags: fc.subarray(TAGS),
      ago: fc.integer({ min: 0, max: 40 * DAY_MS }),
      subscribed: fc.boolean(),
      points: fc.integer({ min: 0, max: 1000 }),
    })
    .map(({ ago, ...m }) => ({ ...m, openid: `o${i}`, firstSeenAt: new Date(NOW - ago).toISOString(), lastInteractionAt: new Date(NOW - ago).toISOString() }));

const leafArb: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ level: fc.record({ in: fc.subarray(LEVELS, { minLength: 1 }) }) }),
  fc.record({ tag: fc.constantFrom(...TAGS) }),
  fc.record({ dormantDays: fc.record({ gte: fc.integer({ min: 0, max: 30 }) }) }),
  fc.record({ dormantDays: fc.record({ lte: fc.integer({ min: 0, max: 30 }) }) }),
  fc.record({ subscribed: fc.boolean() }),
  fc.record({ pointsBalance: fc.record({ gte: fc.integer({ min: 0, max: 800 }) }) }),
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

test('selectMembers pages return exactly the matching members, each once (property, in-memory index)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 80 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => memberArb(i)))),
      segmentArb,
      fc.integer({ min: 1, max: 25 }),
      async (members, segment, limit) => {
        const ports = { index: memoryIndex(members), clock: fixedClock(NOW) };
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await selectMembers(ports, segment, { limit, cursor });
          assert.ok(page.members.length <= limit);
          seen.push(...page.members.map((m) => m.openid));
          cursor = page.cursor;
          assert.ok(++pages < 500, 'paging terminates');
        } while (cursor);
        const expected = members
          .filter((m) => matchesSegment(segment, m, NOW))
          .map((m) => m.openid)
          .sort();
        assert.deepEqual([...seen].sort(), expected);
        const preview = await previewSegment(ports, segment, 5);
        assert.equal(preview.count, expected.length);
        assert.equal(preview.sample.length, Math.min(5, expected.length));
      },
    ),
    { numRuns: 300 },
  );
});

test('a tag segment reads its tagged members, not the others', async () => {
  const members: Member[] = Array.from({ length: 500 }, (_, i) => ({
    openid: `o${i}`,
    subscribed: true,
    firstSeenAt: '',
    lastInteractionAt: new Date(NOW - (i % 30) * DAY_MS).toISOString(),
    points: 0,
    level: '普通',
    tags: i % 50 === 0 ? ['VIP'] : [],
  }));
  const index = memoryIndex(members);
  const page = await selectMembers({ index, clock: fixedClock(NOW) }, { all: [{ tag: 'VIP' }, { subscribed: true }] }, { limit: 100 });
  assert.equal(page.members.length, 10);
  assert.equal(page.itemsRead, 20, 'one tag item and one profile per member');
});

test('a cursor from another segment or a forged one is refused', async () => {
  const ports = { index: memoryIndex([]), clock: fixedClock(NOW) };
  const members: Member[] = Array.from({ length: 30 }, (_, i) => ({
    openid: `o${i}`,
    subscribed: true,
    firstSeenAt: '',
    lastInteractionAt: new Date(NOW).toISOString(),
    points: 0,
    level: '普通',
    tags: [],
  }));
  const real = { index: memoryIndex(members), clock: fixedClock(NOW) };
  const page = await selectMembers(real, { level: { in: ['普通'] } }, { limit: 5 });
  assert.ok(page.cursor);
  await assert.rejects(selectMembers(ports, { level: { in: ['金卡'] } }, { limit: 5, cursor: page.cursor }), BadSegmentCursorError);
  await assert.rejects(selectMembers(ports, { level: { in: ['普通'] } }, { limit: 5, cursor: 'not-a-cursor' }), BadSegmentCursorError);
});
