/**
 * The hostile inputs issue 11 lists, each a 500 before: now a 4xx with a JSON error through the real
 * admin handler (wrapped as in Lambda, error boundary included), or a quiet refusal on the callback.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { HttpResult } from '../lib/http/response';
import { fixedClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { dynamoRoundStore } from '../lib/redpacket/dynamoRoundStore';
import { grabRedPacket } from '../lib/redpacket/grabRedPacket';
import type { Table } from '../lib/store/dynamo';
import { activeCampaign, grabber } from './support/campaigns';
import { adminAuth } from './support/handlers';
import { eventXml, httpEvent, pushEvent } from './support/pushes';
import { useTestTable } from './support/testTable';

let table: Table;
let admin: (
  method: string,
  path: string,
  body?: unknown,
  query?: Record<string, string>,
) => Promise<{ status: number; body: { error?: string } & Record<string, unknown> }>;
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  table = await useTestTable();
  const { handler } = await import('../handlers/admin');
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
  admin = async (method, path, body, query = {}) => {
    // The Lambda entry point itself (middy + error boundary), so a 500 would show as one.
    const res = (await handler(httpEvent(method, path, query, body === undefined ? undefined : JSON.stringify(body), adminAuth), {
      awsRequestId: 't',
    } as Context)) as HttpResult;
    return { status: res.statusCode, body: JSON.parse(String(res.body)) };
  };
  assert.equal((await handleWeChat(pushEvent(eventXml('o_hostile_1', 'subscribe')))).statusCode, 200);
});

test('a 3,000-character openid in /admin/members/{openid} (every member route) → 400 naming it', async () => {
  const long = 'o'.repeat(3000);
  for (const [method, path, body] of [
    ['GET', `/admin/members/${long}`],
    ['DELETE', `/admin/members/${long}`],
    ['GET', `/admin/members/${long}/export`],
    ['GET', `/admin/members/${long}/points`],
    ['POST', `/admin/members/${long}/points`, { delta: 1, reason: 'x', idempotencyKey: 'k' }],
    ['PUT', `/admin/members/${long}/tags`, { add: ['x'] }],
    ['GET', `/admin/members/${long}/wallet`],
    ['POST', `/admin/coupons/${long}/redeem`],
    ['GET', `/admin/campaigns/${long}`],
    ['GET', `/admin/members/import/${long}`],
  ] as const) {
    const r = await admin(method, path, body);
    assert.equal(r.status, 400, `${method} ${path.slice(0, 40)}: ${JSON.stringify(r.body).slice(0, 200)}`);
    assert.match(r.body.error ?? '', /^(openid|code|id|jobId): at most 128 characters$/);
  }
});

test('a malformed % escape in an admin path → 400', async () => {
  for (const path of ['/admin/members/%', '/admin/members/o%E4%B8/points', '/admin/campaigns/%zz/report', '/admin/coupons/%C0/redeem']) {
    const r = await admin(path.endsWith('redeem') ? 'POST' : 'GET', path);
    assert.equal(r.status, 400, path);
    assert.match(r.body.error ?? '', /not a valid percent-encoded path segment/);
  }
});

test('a segment with a key like constructor or __proto__ → 400 naming the key (preview, member list, broadcast)', async () => {
  for (const key of ['constructor', '__proto__', 'toString']) {
    const segment = JSON.parse(`{"all": [{"subscribed": true}, {"${key}": {}}]}`);
    const preview = await admin('POST', '/admin/segments/preview', { segment });
    assert.equal(preview.status, 400, key);
    assert.match(preview.body.error ?? '', new RegExp(`segment\\.all\\.1\\.${key}: unknown segment key`));
    const list = await admin('GET', '/admin/members', undefined, { segment: JSON.stringify(segment) });
    assert.equal(list.status, 400, key);
    const broadcast = await admin('POST', '/admin/broadcasts', { message: { channel: 'custom', text: 'hi' }, segment, sendAt: 'now' });
    assert.equal(broadcast.status, 400, key);
  }
});

test('a job report whose MsgID is longer than a key can be is answered "success" and stores nothing about it', async () => {
  const msgId = '9'.repeat(3000);
  const push = pushEvent(eventXml('o_hostile_1', 'TEMPLATESENDJOBFINISH', '', Math.floor(Date.now() / 1000), { MsgID: msgId, Status: 'success' }));
  const res = await handleWeChat(push);
  assert.equal(res.statusCode, 200, String(res.body));
  assert.equal(res.body, 'success');
  assert.deepEqual(await jobReportItems(), []);
  // A MsgID of WeChat's shape is still taken (parked until its send is settled).
  const ok = await handleWeChat(
    pushEvent(eventXml('o_hostile_1', 'TEMPLATESENDJOBFINISH', '', Math.floor(Date.now() / 1000) + 1, { MsgID: '1000001625', Status: 'success' })),
  );
  assert.equal(ok.body, 'success');
  // A template notice's report names its follower, so it waits in the follower's partition.
  assert.deepEqual(
    (await jobReportItems()).map((i) => `${i.pk}/${i.sk}`),
    ['MEMBER#o_hostile_1/EARLY#1000001625'],
  );
});

/** Items a job report can leave: a mass send's under WXMSG#, a template notice's parked in its follower's partition. */
async function jobReportItems() {
  const out = await table.doc.send(
    new ScanCommand({
      TableName: table.name,
      FilterExpression: 'begins_with(pk, :w) OR begins_with(sk, :e)',
      ExpressionAttributeValues: { ':w': 'WXMSG#', ':e': 'EARLY#' },
    }),
  );
  return out.Items ?? [];
}

test('a member level named like an Object.prototype member gets its own multiplier in a grab, not a function (NaN money)', async () => {
  const NOW = Date.parse('2026-12-01T03:31:00Z'); // inside activeCampaign's 11:30–11:40 Shanghai round
  const levels = [
    ...DEFAULT_LEVELS,
    { name: 'constructor', minLifetimePoints: 90_000, benefits: { pointsMultiplier: 1, vipCampaigns: false, redPacketMultiplier: 2 } },
    { name: 'toString', minLifetimePoints: 95_000, benefits: { pointsMultiplier: 1, vipCampaigns: false, redPacketMultiplier: 1 } },
  ];
  const ports = { rounds: dynamoRoundStore(table, fixedClock(NOW)), levels: async () => levels };
  const c = activeCampaign('proto00001', {
    round: { packets: 4, totalFen: 400, split: 'equal', minFen: 100, maxFen: 100 },
    levelMultipliers: {},
    budget: { maxFenPerRound: 1200 },
  });
  const own = await grabRedPacket(ports, c, grabber('o_lvl_ctor', 'constructor'), 'lvl-1', NOW);
  assert.equal(own.kind, 'won');
  assert.equal(own.kind === 'won' && own.bonusFen, 100, "the level's own ×2");
  const none = await grabRedPacket(ports, c, grabber('o_lvl_tostring', 'toString'), 'lvl-2', NOW);
  assert.equal(none.kind === 'won' && none.bonusFen, 0, 'no bonus for ×1');
});
