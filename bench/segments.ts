/**
 * Segments benchmark: items read per member returned, at two table sizes with the same number of
 * matching members. A 1,000,000-member table is not feasible on DynamoDB Local in a benchmark run,
 * so it measures N (default 20,000) and N/4 members: if items read depend on the members returned
 * and not on the table size, the two rows match — and so would a table of a million.
 *
 * Standalone: `node --import tsx bench/segments.ts [members]`; bench/run.ts calls benchSegments().
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { batchWriteAll } from '../lib/store/batchWrite';
// @ts-expect-error plain ESM helper shared with the test runner
import { startDynamoLocal } from '../scripts/dynamo-local.mjs';
import { systemClock } from '../lib/clock/clock';
import { dynamoSegmentIndex } from '../lib/segments/dynamoSegmentIndex';
import { DAY_MS, type Segment } from '../lib/segments/segment';
import { selectMembers } from '../lib/segments/select';
import { activityKey, levelKey, tagKey } from '../lib/table';
import { createTable, type Table } from '../lib/store/dynamo';
import { ensureTable } from '../lib/store/ensureTable';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Matching members, the same in both tables. */
const DORMANT = 1_000;
const TAGGED = 300;
const DIAMOND = 400;

interface Row {
  members: number;
  tableItems: number;
  segment: string;
  returned: number;
  itemsRead: number;
  ms: number;
}

/** Dormant ones among the tagged members, so the `all` row returns some. */
const TAGGED_AND_DORMANT = 100;
const SPECIAL = DORMANT + TAGGED + DIAMOND;

/** Which special role member i has: the specials are spread evenly over the id range (and so over shards). */
function roles(n: number): Map<number, { dormant: boolean; tagged: boolean; diamond: boolean }> {
  const out = new Map<number, { dormant: boolean; tagged: boolean; diamond: boolean }>();
  for (let k = 0; k < SPECIAL; k++) {
    const t = k - DORMANT;
    const tagged = t >= 0 && t < TAGGED;
    out.set(Math.floor((k * n) / SPECIAL), { dormant: k < DORMANT || (tagged && t < TAGGED_AND_DORMANT), tagged, diamond: k >= DORMANT + TAGGED });
  }
  return out;
}

function seedItems(n: number, nowMs: number): Record<string, unknown>[] {
  const special = roles(n);
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const openid = `oBench${String(i).padStart(7, '0')}`;
    const { dormant, tagged, diamond } = special.get(i) ?? { dormant: false, tagged: false, diamond: false };
    // Active members interacted 0–12 days ago; dormant ones 20–59 days ago.
    const ago = dormant ? (20 + (i % 40)) * DAY_MS : (i % 13) * DAY_MS + (i % 1000) * 1000;
    const at = new Date(nowMs - ago).toISOString();
    const level = diamond ? '钻石' : '普通';
    items.push({
      pk: `MEMBER#${openid}`,
      sk: 'PROFILE',
      openid,
      subscribed: true,
      firstSeenAt: at,
      lastInteractionAt: at,
      points: i % 500,
      level,
      tags: tagged ? ['VIP'] : [],
      gsi3pk: activityKey(openid),
      gsi3sk: at,
      gsi1pk: levelKey(level, openid),
      gsi1sk: openid,
    });
    if (tagged) items.push({ pk: `MEMBER#${openid}`, sk: 'TAG#VIP', gsi2pk: tagKey('VIP', openid), gsi2sk: openid, openid, tag: 'VIP', at });
  }
  return items;
}

function batchWrite(table: Table, items: Record<string, unknown>[]): Promise<void> {
  return batchWriteAll(
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    { parallel: 16, what: 'segment bench seeding' },
  );
}

async function measure(table: Table, members: number, tableItems: number, name: string, segment: Segment): Promise<Row> {
  const ports = { index: dynamoSegmentIndex(table), clock: systemClock };
  const t = performance.now();
  let returned = 0;
  let itemsRead = 0;
  let cursor: string | undefined;
  do {
    const page = await selectMembers(ports, segment, { limit: 1000, cursor });
    returned += page.members.length;
    itemsRead += page.itemsRead;
    cursor = page.cursor;
  } while (cursor);
  return { members, tableItems, segment: name, returned, itemsRead, ms: performance.now() - t };
}

const SEGMENTS: [string, Segment][] = [
  ['`{"dormantDays":{"gte":14}}`', { dormantDays: { gte: 14 } }],
  ['`{"tag":"VIP"}`', { tag: 'VIP' }],
  ['`{"level":{"in":["钻石"]}}`', { level: { in: ['钻石'] } }],
  ['`{"all":[{"tag":"VIP"},{"dormantDays":{"gte":14}}]}`', { all: [{ tag: 'VIP' }, { dormantDays: { gte: 14 } }] }],
];

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Seeds two fresh tables on DynamoDB Local, selects segments in each, returns a markdown section. */
export async function benchSegments(members = Number(process.env.BENCH_SEGMENT_MEMBERS ?? 20_000)): Promise<string> {
  const sizes = [Math.floor(members / 4), members];
  if (sizes[0]! < 2 * SPECIAL)
    throw new Error(`benchSegments: at least ${int(8 * SPECIAL)} members, so the smaller table holds the ${int(SPECIAL)} special ones among others`);
  const dynamo = (await startDynamoLocal({ inMemory: true })) as { endpoint: string; stop(): Promise<void> };
  const rows: Row[] = [];
  const seeding: string[] = [];
  try {
    for (const n of sizes) {
      const name = `bench-segments-${n}-${Date.now()}`;
      await ensureTable(dynamo.endpoint, name, resolve(ROOT, 'serverless.yml'));
      const table = createTable(name, dynamo.endpoint);
      const items = seedItems(n, Date.now());
      const t = performance.now();
      await batchWrite(table, items);
      seeding.push(`${int(items.length)} items into the ${int(n)}-member table in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      for (const [label, segment] of SEGMENTS) rows.push(await measure(table, n, items.length, label, segment));
      table.doc.destroy();
    }
  } finally {
    await dynamo.stop();
  }
  const lines = [
    '## Segments: items read per member returned',
    '',
    `Two fresh tables on DynamoDB Local (in memory) with ${int(sizes[0]!)} and ${int(sizes[1]!)} members, each holding the same ${int(DORMANT + TAGGED_AND_DORMANT)} dormant members (last interaction 20–59 days ago; everyone else 0–12 days), ${int(TAGGED)} members tagged VIP (${int(TAGGED_AND_DORMANT)} of them dormant) and ${int(DIAMOND)} 钻石 members; seeded with parallel BatchWrite (${seeding.join('; ')}). ` +
      'Members are read through `selectMembers` in pages of 1,000, as `GET /admin/members?segment=` does. *Items read* counts what DynamoDB returned: index query items (ScannedCount) plus the profiles fetched for tag items. ' +
      'A 1,000,000-member table is not feasible on DynamoDB Local here; the point is that the rows for the two sizes agree — items read follow the members returned, not the table size — so a million-member table reads the same.',
    '',
    '| members in table | items a Scan would read | segment | members returned | items read | items read per member returned | ms |',
    '|---:|---:|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${int(r.members)} | ${int(r.tableItems)} | ${r.segment} | ${int(r.returned)} | ${int(r.itemsRead)} | ${r.returned ? (r.itemsRead / r.returned).toFixed(2) : '–'} | ${int(r.ms)} |`,
    ),
    '',
    'The dormant selection queries the 16 activity shards with `gsi3sk <= now − 14 days` and reads only those members; a tag reads one tag item and one profile per member (2.00); a level reads the profiles in its 16 shards. ' +
      'For `all` the tag (the most selective index) drives and dormancy filters in memory, so it reads the tagged members, not the dormant ones.',
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const arg = process.argv[2] ? Number(process.argv[2]) : undefined;
  console.log(await benchSegments(arg));
}
