import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { linkPendingProspects } from '../lib/import/linkProspects';
import { importRows } from '../lib/import/importRows';
import { PENDING_LINKS_PK as PENDING_PK, phoneLookup, unionidLookup } from '../lib/table';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { Table } from '../lib/store/dynamo';
import { refreshAccessToken, stableTokenFetcher, tokenProvider } from '../lib/wechat/accessToken';
import { createWeChatApi } from '../lib/wechat/api';
import { dynamoTokenStore } from '../lib/wechat/dynamoTokenStore';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { eventXml, httpEvent, pushEvent } from './support/pushes';
import { TEST_CONFIG, useTestTable } from './support/testTable';

let table: Table;
let sandbox: Sandbox;
let handleAdmin: typeof import('../handlers/admin').handler;
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  table = await useTestTable();
  sandbox = createSandbox({});
  await sandbox.listen(0);
  ({ handler: handleAdmin } = await import('../handlers/admin'));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
});
after(() => sandbox.close());

const auth = { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` };
async function importJson(rows: unknown[]) {
  const res = await handleAdmin(httpEvent('POST', '/admin/members/import', {}, JSON.stringify({ rows }), { ...auth, 'content-type': 'application/json' }));
  return { status: res.statusCode, body: JSON.parse(String(res.body)) };
}
async function importCsv(csv: string) {
  const res = await handleAdmin(httpEvent('POST', '/admin/members/import', {}, csv, { ...auth, 'content-type': 'text/csv; charset=utf-8' }));
  return { status: res.statusCode, body: JSON.parse(String(res.body)) };
}
const get = async (pk: string, sk: string) => (await table.doc.send(new GetCommand({ TableName: table.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
const lookup = async (pk: string) => (await get(pk, 'LOOKUP'))?.targetPk as string | undefined;
const profile = (openid: string) => get(`MEMBER#${openid}`, 'PROFILE');

async function follow(openid: string) {
  await handleWeChat(pushEvent(eventXml(openid, 'subscribe')));
}

function linkPorts() {
  const store = dynamoTokenStore(table);
  const refresh = (stale?: string) =>
    refreshAccessToken(
      { store, fetchToken: stableTokenFetcher(TEST_CONFIG.WECHAT_APPID, TEST_CONFIG.WECHAT_APPSECRET, { baseUrl: sandbox.url }), clock: systemClock },
      stale,
    );
  return {
    table,
    api: createWeChatApi({ baseUrl: sandbox.url, tokens: tokenProvider(store, systemClock, refresh) }),
    levels: async () => DEFAULT_LEVELS,
    clock: systemClock,
  };
}

/** A follower in the sandbox whose account is bound to an Open Platform account (user/info gives a unionid). */
function sandboxFollower(openid: string, unionid: string) {
  sandbox.state.follower(openid, true).unionid = unionid;
}

test('JSON rows: counts, bad rows with 1-based numbers, good rows kept; the same rows again are unchanged', async () => {
  const rows = [
    { phone: '+86 139-0000-0001', name: '韩梅梅', lifetimeSpendFen: 1200, channel: 'online-shop', externalId: 'shop-1' },
    { phone: '12345', channel: 'online-shop' },
    { unionid: 'u_json_1', lifetimeSpend: '88.50', channel: 'website' },
    { name: 'no key', channel: 'website' },
    { phone: '13900000001', lifetimeSpendFen: 300, channel: 'offline-store' },
  ];
  const first = await importJson(rows);
  assert.equal(first.status, 200);
  assert.deepEqual(first.body, {
    created: 2,
    merged: 1,
    unchanged: 0,
    errors: [
      { row: 2, reason: 'phone: not a mainland mobile number' },
      { row: 4, reason: 'phone or unionid: a row needs at least one' },
    ],
  });
  const pk = await lookup(phoneLookup('13900000001'));
  assert.match(pk!, /^PROSPECT#/);
  const prospect = await get(pk!, 'PROFILE');
  assert.deepEqual(prospect?.spendByChannel, { 'online-shop': 1200, 'offline-store': 300 });
  assert.equal(prospect?.spendFen, 1500);
  assert.equal((await get((await lookup(unionidLookup('u_json_1')))!, 'PROFILE'))?.spendFen, 8850);

  const again = await importJson(rows);
  assert.deepEqual({ ...again.body, errors: again.body.errors.length }, { created: 0, merged: 0, unchanged: 3, errors: 2 });

  assert.equal((await importJson([])).status, 400);
  const notRows = await importJson(undefined as unknown as unknown[]);
  assert.equal(notRows.status, 400);
  assert.match(notRows.body.error, /^rows:/);
});

test('CSV with a BOM, CRLF, quoted commas and line breaks, spend in yuan; re-import unchanged', async () => {
  const csv =
    '\uFEFFphone,unionid,name,lifetimeSpend,channel\r\n13900000101,,"李, 雷",120.50,offline-store\r\n,u_csv_1,"多行\r\n名字",0,website\r\n139000001,,坏号码,1,website\r\n13900000102,,,abc,website\r\n';
  const first = await importCsv(csv);
  assert.equal(first.status, 200);
  assert.equal(first.body.created, 2);
  assert.deepEqual(
    first.body.errors.map((e: { row: number }) => e.row),
    [3, 4],
  );
  assert.match(first.body.errors[1].reason, /^lifetimeSpend:/);
  const p = await get((await lookup(phoneLookup('13900000101')))!, 'PROFILE');
  assert.equal(p?.name, '李, 雷');
  assert.equal(p?.spendFen, 12050);
  assert.equal((await get((await lookup(unionidLookup('u_csv_1')))!, 'PROFILE'))?.name, '多行\r\n名字');
  const again = await importCsv(csv);
  assert.equal(again.body.unchanged, 2);
  assert.equal(again.body.created + again.body.merged, 0);
  assert.equal((await importCsv('name,channel\nx,website\n')).status, 400);
  assert.equal((await importCsv('phone,channel\n"open,website\n')).status, 400);
});

test('merges into a follower by unionid and then by phone; spend reaching 500 元 upgrades to 银卡 in the same write', async () => {
  await follow('o_imp_follower');
  sandboxFollower('o_imp_follower', 'u_follower_1');
  // The scheduled linker learns the follower's unionid (no prospect yet: it only records it).
  const linked = await linkPendingProspects(linkPorts());
  assert.equal(linked.outcomes['unionid-recorded'], 1);
  assert.equal(await lookup(unionidLookup('u_follower_1')), 'MEMBER#o_imp_follower');

  const byUnionid = await importJson([{ unionid: 'u_follower_1', phone: '13900000201', name: '王芳', lifetimeSpendFen: 30000, channel: 'online-shop' }]);
  assert.deepEqual(byUnionid.body, { created: 0, merged: 1, unchanged: 0, errors: [] });
  let m = await profile('o_imp_follower');
  assert.equal(m?.phone, '13900000201');
  assert.equal(m?.level, '普通');
  assert.equal(await lookup(phoneLookup('13900000201')), 'MEMBER#o_imp_follower');

  const byPhone = await importJson([{ phone: '139 0000 0201', lifetimeSpendFen: 20000, channel: 'offline-store' }]);
  assert.deepEqual(byPhone.body, { created: 0, merged: 1, unchanged: 0, errors: [] });
  m = await profile('o_imp_follower');
  assert.deepEqual(m?.spendByChannel, { 'online-shop': 30000, 'offline-store': 20000 });
  assert.equal(m?.spendFen, 50000);
  assert.equal(m?.level, '银卡');
  assert.ok(Number(m?.version) >= 2, 'the profile version moved (points ledger and tags see the change)');
  const items = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'MEMBER#o_imp_follower' },
      ConsistentRead: true,
    }),
  );
  const sks = (items.Items ?? []).map((i) => String(i.sk));
  assert.ok(sks.some((s) => s.startsWith('LEVEL#')));
  assert.ok(sks.some((s) => s.startsWith('NOTICE#') && s.endsWith('level-changed')));
  assert.equal((await dynamoMemberStore(table).get('o_imp_follower'))?.level, '银卡');

  // The same spend again changes nothing.
  assert.equal((await importJson([{ phone: '13900000201', lifetimeSpendFen: 20000, channel: 'offline-store' }])).body.unchanged, 1);
  // A phone already held by someone with a different unionid is refused, not merged.
  const clash = await importJson([{ unionid: 'u_other', phone: '13900000201', channel: 'website' }]);
  assert.equal(clash.body.errors[0].row, 1);
  assert.match(clash.body.errors[0].reason, /^unionid:/);
});

test('a prospect who follows later is merged by the linker; the prospect and the note disappear', async () => {
  const r = await importJson([
    { unionid: 'u_later_1', phone: '13900000301', name: '张伟', lifetimeSpendFen: 250000, channel: 'online-shop', externalId: 'A-77' },
  ]);
  assert.equal(r.body.created, 1);
  const prospectPk = (await lookup(unionidLookup('u_later_1')))!;
  assert.match(prospectPk, /^PROSPECT#/);

  sandboxFollower('o_imp_later', 'u_later_1');
  await follow('o_imp_later');
  const notes = await table.doc.send(
    new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PENDING_PK }, ConsistentRead: true }),
  );
  assert.ok(
    (notes.Items ?? []).some((n) => n.openid === 'o_imp_later' && typeof n.expiresAt === 'number'),
    'the callback noted the subscribe',
  );
  assert.ok(
    !sandbox.state.calls.some((c) => c.path === '/cgi-bin/user/info' && (c as { query?: Record<string, string> }).query?.openid === 'o_imp_later'),
    'no outbound call from the callback',
  );

  const summary = await linkPendingProspects(linkPorts());
  assert.equal(summary.outcomes.linked, 1);
  const m = await profile('o_imp_later');
  assert.equal(m?.unionid, 'u_later_1');
  assert.equal(m?.phone, '13900000301');
  assert.equal(m?.name, '张伟');
  assert.equal(m?.spendFen, 250000);
  assert.equal(m?.level, '金卡');
  assert.deepEqual(m?.externalIds, { 'online-shop': 'A-77' });
  assert.equal(await get(prospectPk, 'PROFILE'), undefined, 'the prospect is gone');
  assert.equal(await lookup(unionidLookup('u_later_1')), 'MEMBER#o_imp_later');
  assert.equal(await lookup(phoneLookup('13900000301')), 'MEMBER#o_imp_later');
  const left = await table.doc.send(
    new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PENDING_PK }, ConsistentRead: true }),
  );
  assert.equal((left.Items ?? []).length, 0, 'every note was handled');
  // Importing the original row again now merges nothing new into the member.
  assert.equal(
    (await importJson([{ unionid: 'u_later_1', phone: '13900000301', name: '张伟', lifetimeSpendFen: 250000, channel: 'online-shop', externalId: 'A-77' }]))
      .body.unchanged,
    1,
  );
});

test('erasure leaves nothing under the member and removes the lookups that pointed to them', async () => {
  await follow('o_imp_erase');
  sandboxFollower('o_imp_erase', 'u_erase_1');
  await linkPendingProspects(linkPorts());
  await importJson([{ unionid: 'u_erase_1', phone: '13900000401', lifetimeSpendFen: 100, channel: 'website' }]);
  const before = await profile('o_imp_erase');
  assert.ok(before?.phone && before?.unionid);
  const res = await handleAdmin(httpEvent('DELETE', '/admin/members/o_imp_erase', {}, undefined, auth));
  assert.equal(res.statusCode, 200);
  const under = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'MEMBER#o_imp_erase' },
      ConsistentRead: true,
    }),
  );
  assert.equal(under.Count, 0);
  const scan = await table.doc.send(new ScanCommand({ TableName: table.name, ConsistentRead: true }));
  assert.ok(
    !(scan.Items ?? []).some((i) => String(i.pk).startsWith('LOOKUP#') && (i.targetPk === 'MEMBER#o_imp_erase' || String(i.pk).includes(String(before.phone)))),
    'no lookup points to the erased member or holds their phone',
  );
  // After erasure the same person imported again is a new prospect, not the erased member.
  await follow('o_imp_erase2');
  sandboxFollower('o_imp_erase2', 'u_erase_2');
  await linkPendingProspects(linkPorts());
  await handleAdmin(httpEvent('DELETE', '/admin/members/o_imp_erase2', {}, undefined, auth));
  assert.equal((await importJson([{ unionid: 'u_erase_2', channel: 'website' }])).body.created, 1);
  assert.match((await lookup(unionidLookup('u_erase_2')))!, /^PROSPECT#/);
});

test('2,000 rows in one request (sent again while time runs out), re-imported unchanged', async () => {
  const rows = Array.from({ length: 2000 }, (_, i) => ({
    phone: `137${String(i).padStart(8, '0')}`,
    ...(i % 2 ? { unionid: `u_bulk_${i}` } : {}),
    lifetimeSpendFen: i,
    channel: i % 3 ? 'online-shop' : 'offline-store',
  }));
  // Every 10th row repeats an earlier person in another channel.
  for (let i = 0; i < 2000; i += 10) rows[i + 1] = { phone: rows[i]!.phone, lifetimeSpendFen: 7, channel: 'website' };
  // On a slow machine one call may run out of its time budget and say how many rows are left; the
  // documented answer is to send the rows again, so the counts are summed over the calls it takes.
  async function importAll() {
    // Rows a call finished come back unchanged in the next one, so only the last call's unchanged counts.
    const total = { created: 0, merged: 0, unchanged: 0 };
    for (let left = Infinity; ; ) {
      const r = (await importJson(rows)).body;
      assert.deepEqual(r.errors, []);
      total.created += r.created;
      total.merged += r.merged;
      total.unchanged = r.unchanged;
      if (!r.incomplete) return total;
      assert.ok(r.incomplete.rowsLeft < left, `each call makes progress (${r.incomplete.rowsLeft} rows left)`);
      left = r.incomplete.rowsLeft;
    }
  }
  const first = await importAll();
  assert.deepEqual({ created: first.created, merged: first.merged }, { created: 1800, merged: 200 });
  assert.deepEqual(await importAll(), { created: 0, merged: 0, unchanged: 2000 });
});

test('when time runs out the answer says how many rows are left; sending them again finishes', async () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ row: i + 1, phone: `136${String(i).padStart(8, '0')}`, channel: 'website' }));
  const ports = { table, levels: DEFAULT_LEVELS, nowMs: Date.now() };
  const late = await importRows(ports, rows, { deadlineMs: 0 });
  assert.deepEqual(late, { created: 0, merged: 0, unchanged: 0, errors: [], rowsLeft: 120 });
  const half = await importRows(ports, rows.slice(0, 60));
  assert.equal(half.created, 60);
  const rest = await importRows(ports, rows);
  assert.deepEqual(rest, { created: 60, merged: 0, unchanged: 60, errors: [] });
});
