import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../lib/store/dynamo';
import { eventXml, pushEvent, textXml } from './support/pushes';
import { loadHandlers } from './support/handlers';
import { useTestTable } from './support/testTable';

let table: Table;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  table = await useTestTable();
  handlers = await loadHandlers();
});

const admin = (method: string, path: string, body?: unknown, query: Record<string, string> = {}) => handlers.admin(method, path, body, { query });

test('export holds everything we keep; erase removes it, keeps an audit entry, and the member reads as 404', async () => {
  const openid = 'o_privacy_1';
  const t = Math.floor(Date.now() / 1000);
  await handlers.handleWeChat(pushEvent(eventXml(openid, 'subscribe', 'qrscene_store', t)));
  await handlers.handleWeChat(pushEvent(eventXml(openid, 'CLICK', 'SIGN_IN', t + 1)));
  await handlers.handleWeChat(pushEvent(textXml(openid, 'hello')));
  await admin('POST', `/admin/members/${openid}/points`, { delta: 600, reason: '消费', idempotencyKey: 'p1' });

  const exported = await admin('GET', `/admin/members/${openid}/export`);
  assert.equal(exported.status, 200);
  assert.equal(exported.body.profile.openid, openid);
  assert.equal(exported.body.profile.source, 'store');
  assert.equal(exported.body.ledger.length, 2);
  assert.equal(exported.body.level[0].to, '银卡');
  assert.ok(exported.body.notice.length >= 1);
  assert.match(String(exported.headers?.['content-disposition']), /attachment/);

  const erased = await admin('DELETE', `/admin/members/${openid}`);
  assert.equal(erased.status, 200);
  assert.ok(erased.body.itemsDeleted >= 5);
  assert.equal((await admin('GET', `/admin/members/${openid}`)).status, 404);
  assert.equal((await admin('GET', `/admin/members/${openid}/export`)).status, 404);
  assert.equal((await admin('GET', `/admin/members/${openid}/points`)).status, 404);
  assert.equal((await admin('DELETE', `/admin/members/${openid}`)).status, 404);

  const left = await table.doc.send(
    new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `MEMBER#${openid}` } }),
  );
  assert.equal(left.Count, 0, 'nothing left under the member');
  const audit = await table.doc.send(
    new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'AUDIT#ERASURE' } }),
  );
  const entry = (audit.Items ?? []).find((i) => i.erasureId === erased.body.erasureId);
  assert.equal(entry?.status, 'erased', 'an audit entry remains, under the id the erasure answered with');
  assert.ok(!JSON.stringify(audit.Items).includes(openid), 'the audit trail does not keep the openid');
});

test('daily numbers through the admin API, with a 400 for a bad range', async () => {
  const res = await admin('GET', '/admin/stats/daily', undefined, { from: '2026-11-01', to: '2026-11-30' });
  const body = res.body;
  assert.equal(res.status, 200);
  assert.equal(body.days.length, 30);
  assert.deepEqual(
    Object.keys(body.days[0]).sort(),
    [
      'activeMembers',
      'day',
      'levelUpgrades',
      'netGrowth',
      'newFollowers',
      'newFollowersBySource',
      'pointsIssued',
      'pointsRedeemed',
      'signIns',
      'unfollows',
      'redPacketSpendFen',
      'reengagementSent',
      'reengaged',
      'reengagementRate',
    ].sort(),
  );
  const bad = await admin('GET', '/admin/stats/daily', undefined, { from: '2026-12-01', to: '2026-11-01' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /from/);
});
