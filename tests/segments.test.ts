import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fixedClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { dynamoPointsLedger } from '../lib/members/dynamoPointsLedger';
import { changePoints } from '../lib/members/grantPoints';
import type { Member } from '../lib/members/member';
import { DAY_MS, matchesSegment, type Segment } from '../lib/segments/segment';
import { shardOf } from '../lib/segments/shard';
import { levelKey, memberKey } from '../lib/table';
import type { Table } from '../lib/store/dynamo';
import { httpEvent } from './support/pushes';
import { TEST_CONFIG, useTestTable } from './support/testTable';

let table: Table;
let handleAdmin: typeof import('../handlers/admin').handler;

const N = 200;
const LEVELS = ['普通', '银卡', '金卡', '钻石'];
const TAGS = ['吃货', '辣', '素食', 'VIP'];
const ids = Array.from({ length: N }, (_, i) => `o_seg_${String(i).padStart(3, '0')}`);

const auth = { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`, 'content-type': 'application/json' };
async function admin(method: string, path: string, body?: unknown, query: Record<string, string> = {}) {
  const res = await handleAdmin(httpEvent(method, path, query, body === undefined ? undefined : JSON.stringify(body), auth));
  return { status: res.statusCode, body: JSON.parse(String(res.body)) };
}

async function allMembers(): Promise<Member[]> {
  const store = dynamoMemberStore(table);
  return (await Promise.all(ids.map((id) => store.get(id)))).filter((m): m is Member => !!m);
}

before(async () => {
  table = await useTestTable();
  ({ handler: handleAdmin } = await import('../handlers/admin'));
  const store = dynamoMemberStore(table);
  const now = Date.now();
  // Half a day off the day boundary, so the seconds between seeding and asserting never move anyone.
  const ago = (i: number) => ((i * 7) % 40) * DAY_MS + DAY_MS / 2;
  for (let i = 0; i < N; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (openid, j) => {
        const n = i + j;
        await store.recordInteraction(openid, { kind: 'event', at: now - ago(n) - 1000, event: 'subscribe', ...(n % 5 === 0 ? { scene: 'summer' } : {}) });
        if (n % 9 === 0) await store.recordInteraction(openid, { kind: 'event', at: now - ago(n), event: 'unsubscribe' });
        else await store.recordInteraction(openid, { kind: 'message', at: now - ago(n) });
        const level = LEVELS[n % 7 === 0 ? 3 : n % 4 === 0 ? 2 : n % 3 === 0 ? 1 : 0]!;
        if (level !== '普通') {
          // The index attributes an upgrade writes (lib/levels/upgrade.ts), set directly.
          await table.doc.send(
            new UpdateCommand({
              TableName: table.name,
              Key: memberKey(openid),
              UpdateExpression: 'SET #l = :l, gsi1pk = :pk, points = :p',
              ExpressionAttributeNames: { '#l': 'level' },
              ExpressionAttributeValues: { ':l': level, ':pk': levelKey(level, openid), ':p': (n * 37) % 900 },
            }),
          );
        }
        const tags = TAGS.filter((_, t) => (n + t) % (t + 2) === 0);
        if (tags.length) assert.equal((await admin('PUT', `/admin/members/${openid}/tags`, { add: tags })).status, 200);
      }),
    );
  }
});

const segments: Segment[] = [
  { dormantDays: { gte: 14 } },
  { dormantDays: { lte: 6 } },
  { tag: '吃货' },
  { level: { in: ['金卡', '钻石'] } },
  { all: [{ level: { in: ['金卡', '钻石'] } }, { tag: '吃货' }, { dormantDays: { gte: 14 } }, { subscribed: true }] },
  { all: [{ dormantDays: { gte: 7, lte: 20 } }, { pointsBalance: { gte: 100 } }] },
  { any: [{ tag: 'VIP' }, { level: { in: ['钻石'] } }, { tag: '辣' }] },
  { subscribed: false },
  { not: { tag: '吃货' } },
  { source: 'summer' },
  { any: [{ tag: '素食' }, { not: { level: { in: ['普通'] } } }] },
  { all: [{ not: { dormantDays: { lte: 13 } } }, { any: [{ tag: 'VIP' }, { source: 'summer' }] }] },
];

test('preview counts equal a brute-force count with matchesSegment over every member', async () => {
  const members = await allMembers();
  assert.equal(members.length, N);
  for (const segment of segments) {
    const expected = members.filter((m) => matchesSegment(segment, m, Date.now())).map((m) => m.openid);
    const r = await admin('POST', '/admin/segments/preview', { segment, sampleSize: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.count, expected.length, JSON.stringify(segment));
    assert.equal(r.body.sample.length, Math.min(5, expected.length));
    for (const openid of r.body.sample) assert.ok(expected.includes(openid));
    assert.ok(r.body.itemsRead >= r.body.count);
  }
  const nonEmpty = segments.filter((s) => members.some((m) => matchesSegment(s, m, Date.now())));
  assert.ok(nonEmpty.length >= 10, 'the seed exercises most segments');
});

test('an indexed segment reads about the members it returns, not the table', async () => {
  const dormant = await admin('POST', '/admin/segments/preview', { segment: { dormantDays: { gte: 14 } } });
  assert.ok(dormant.body.count > 0 && dormant.body.count < N);
  assert.equal(dormant.body.itemsRead, dormant.body.count, 'the activity range reads exactly the dormant members');
  const tag = await admin('POST', '/admin/segments/preview', { segment: { tag: 'VIP' } });
  assert.equal(tag.body.itemsRead, 2 * tag.body.count, 'one tag item and one profile each');
});

test('GET /admin/members pages through a segment, returning each member once', async () => {
  const members = await allMembers();
  for (const segment of [{ dormantDays: { gte: 14 } }, { any: [{ tag: 'VIP' }, { tag: '辣' }] }, { subscribed: true }] as Segment[]) {
    const expected = members
      .filter((m) => matchesSegment(segment, m, Date.now()))
      .map((m) => m.openid)
      .sort();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await admin('GET', '/admin/members', undefined, { segment: JSON.stringify(segment), limit: '7', ...(cursor ? { cursor } : {}) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.members.length <= 7);
      seen.push(...r.body.members.map((m: Member) => m.openid));
      cursor = r.body.cursor ?? undefined;
      pages++;
    } while (cursor);
    assert.ok(pages > 1);
    assert.deepEqual([...seen].sort(), expected, JSON.stringify(segment));
  }
  const everyone = await admin('GET', '/admin/members', undefined, { limit: '200' });
  const all = new Set<string>(everyone.body.members.map((m: Member) => m.openid));
  let cursor = everyone.body.cursor;
  while (cursor) {
    const r = await admin('GET', '/admin/members', undefined, { limit: '200', cursor });
    for (const m of r.body.members as Member[]) all.add(m.openid);
    cursor = r.body.cursor;
  }
  assert.equal(all.size, N, 'without a segment: every member');
  assert.equal(everyone.body.members[0].gsi3pk, undefined, 'index attributes are not part of a member');
});

test('bad segments and cursors are 400s naming the problem', async () => {
  const bad = await admin('POST', '/admin/segments/preview', { segment: { all: [{ level: { in: [] } }] } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /segment\.all\.0\.level\.in/);
  const deep = await admin('POST', '/admin/segments/preview', { segment: { not: { not: { not: { not: { not: { tag: 'x' } } } } } } });
  assert.equal(deep.status, 400);
  assert.match(deep.body.error, /nest at most 5/);
  const notJson = await admin('GET', '/admin/members', undefined, { segment: '{tag:' });
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.error, /^segment: not valid JSON/);
  const unknown = await admin('GET', '/admin/members', undefined, { segment: JSON.stringify({ colour: 'red' }) });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error, /segment\.colour: unknown segment key/);
  const page = await admin('GET', '/admin/members', undefined, { segment: JSON.stringify({ tag: '吃货' }), limit: '3' });
  assert.ok(page.body.cursor);
  assert.equal(
    (await admin('GET', '/admin/members', undefined, { segment: JSON.stringify({ tag: '辣' }), cursor: page.body.cursor })).status,
    400,
    'a cursor belongs to its segment',
  );
  assert.equal((await admin('GET', '/admin/members', undefined, { cursor: 'garbage' })).status, 400);
});

test('tags: add and remove move the profile and the tag index together; 20 at most; unknown member 404', async () => {
  const openid = 'o_seg_tags';
  await dynamoMemberStore(table).recordInteraction(openid, { kind: 'event', at: Date.now(), event: 'subscribe' });
  const r1 = await admin('PUT', `/admin/members/${openid}/tags`, { add: ['吃货', '辣'] });
  assert.deepEqual(r1, { status: 200, body: { openid, tags: ['吃货', '辣'] } });
  const r2 = await admin('PUT', `/admin/members/${openid}/tags`, { add: ['素食'], remove: ['辣'] });
  assert.deepEqual(r2.body.tags, ['吃货', '素食']);
  assert.deepEqual((await dynamoMemberStore(table).get(openid))?.tags, ['吃货', '素食']);
  const items = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':t': 'TAG#' },
      ConsistentRead: true,
    }),
  );
  assert.deepEqual((items.Items ?? []).map((i) => [i.sk, i.gsi2pk, i.gsi2sk]).sort(), [
    ['TAG#吃货', `TAG#吃货#${shardOf(openid)}`, openid],
    ['TAG#素食', `TAG#素食#${shardOf(openid)}`, openid],
  ]);

  const many = Array.from({ length: 18 }, (_, i) => `t${i}`);
  assert.equal((await admin('PUT', `/admin/members/${openid}/tags`, { add: many })).body.tags.length, 20);
  const over = await admin('PUT', `/admin/members/${openid}/tags`, { add: ['one-more'] });
  assert.equal(over.status, 409);
  assert.match(over.body.error, /at most 20 tags/);
  assert.equal(over.body.tags.length, 20);
  assert.equal((await admin('PUT', `/admin/members/${openid}/tags`, { add: ['one-more'], remove: ['t0'] })).status, 200, 'room made in the same change');

  assert.equal((await admin('PUT', '/admin/members/o_nobody_here/tags', { add: ['x'] })).status, 404);
  const bad = await admin('PUT', `/admin/members/${openid}/tags`, { add: ['x'.repeat(33)] });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /add\.0/);
});

test('tags and points race on the same profile without losing either', async () => {
  const openid = 'o_seg_race';
  await dynamoMemberStore(table).recordInteraction(openid, { kind: 'event', at: Date.now(), event: 'subscribe' });
  const ports = { ledger: dynamoPointsLedger(table), levels: async () => DEFAULT_LEVELS, clock: fixedClock(Date.now()) };
  await Promise.all([
    ...Array.from({ length: 5 }, (_, i) => admin('PUT', `/admin/members/${openid}/tags`, { add: [`race${i}`] })),
    ...Array.from({ length: 5 }, (_, i) => changePoints(ports, openid, { delta: 200, reason: 'race', idempotencyKey: `race-${i}`, kind: 'grant' })),
  ]);
  const m = await dynamoMemberStore(table).get(openid);
  assert.equal(m?.points, 1000);
  assert.deepEqual([...(m?.tags ?? [])].sort(), ['race0', 'race1', 'race2', 'race3', 'race4']);
  assert.equal(m?.level, '银卡');
  // The upgrade moved the member in the level index too.
  const r = await admin('POST', '/admin/segments/preview', { segment: { all: [{ level: { in: ['银卡'] } }, { tag: 'race3' }] } });
  assert.deepEqual(r.body.sample, [openid]);
  const entry = await admin('POST', '/admin/segments/preview', { segment: { all: [{ level: { in: ['普通'] } }, { tag: 'race3' }] } });
  assert.equal(entry.body.count, 0);
});
