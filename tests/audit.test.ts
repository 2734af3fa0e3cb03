import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { adminRoutes } from '../lib/app/adminApi';
import { auditPorts } from '../lib/app/audit';
import { containerApp } from '../lib/app/containerApp';
import type { App } from '../lib/app/createApp';
import type { AuditEntry } from '../lib/audit/auditEntry';
import { dynamoAuditLog } from '../lib/audit/dynamoAuditLog';
import { recordAdminChange } from '../lib/audit/recordAdminChange';
import { BREAK_GLASS } from '../lib/identity/breakGlass';
import { matchRoute } from '../lib/http/router';
import type { Table } from '../lib/store/dynamo';
import { captureOutput } from './support/captureOutput';
import { faultyTable } from './support/faultyTable';
import { adminAuth, loadHandlers } from './support/handlers';
import { adminAs, person } from './support/principals';
import { eventXml, httpEvent, pushEvent } from './support/pushes';
import { useTestTable } from './support/testTable';

let table: Table;
let app: App;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
const admin = (method: string, path: string, body?: unknown, query?: Record<string, string>) => handlers.admin(method, path, body, { query });
const alice = adminAs(person('alice@example.com', ['operator']));
const mia = adminAs(person('mia@example.com', ['marketer']));

before(async () => {
  table = await useTestTable();
  handlers = await loadHandlers();
  app = await containerApp();
});

/** Every entry of the last week (the default range), newest first. */
async function entries(query: Record<string, string> = {}): Promise<AuditEntry[]> {
  const r = await admin('GET', '/admin/audit', undefined, { limit: '200', ...query });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.entries;
}
const ok = async (p: Promise<{ status: number; body: unknown }>) => {
  const r = await p;
  assert.ok(r.status < 300, `${r.status} ${JSON.stringify(r.body)}`);
  return r;
};

describe('what the audit log records', () => {
  test('a PUT with a GET twin: who, when, what, before and after read through the GET, and the diff', async () => {
    const before = (await admin('GET', '/admin/send-policy')).body;
    await ok(admin('PUT', '/admin/send-policy', { ratePerSecond: 42, massMonthlyQuota: 3 }));
    const [e] = await entries({ kind: 'send-policy.put' });
    assert.ok(e);
    assert.deepEqual(e.actor, { username: 'break-glass', sub: 'break-glass', roles: ['admin'], via: 'break-glass' });
    assert.deepEqual([e.method, e.path, e.route, e.status, e.outcome, e.requestId], ['PUT', '/admin/send-policy', '/admin/send-policy', 200, 'done', 'req']);
    assert.deepEqual(e.before, before);
    assert.deepEqual(e.after, { ratePerSecond: 42, massMonthlyQuota: 3 });
    assert.deepEqual(e.diff, [
      { path: 'massMonthlyQuota', before: before.massMonthlyQuota, after: 3 },
      { path: 'ratePerSecond', before: before.ratePerSecond, after: 42 },
    ]);
    assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 60_000);
  });

  test('a POST that creates and a DELETE without a GET twin keep the request and the answer; a person is named with their roles', async () => {
    const rule = { id: 'audit-hours', match: { type: 'contains', pattern: '营业时间' }, reply: { type: 'text', content: '10:00–22:00' } };
    await ok(alice('POST', '/admin/autoreply-rules', rule));
    await ok(alice('DELETE', '/admin/autoreply-rules/audit-hours'));
    const mine = await entries({ actor: 'alice@example.com' });
    const created = mine.find((e) => e.kind === 'autoreply-rules.post')!;
    const deleted = mine.find((e) => e.kind === 'autoreply-rules.delete')!;
    assert.deepEqual(created.actor, { username: 'alice@example.com', sub: 'sub-alice@example.com', roles: ['operator'], via: 'account' });
    assert.deepEqual(created.request, rule);
    assert.equal((created.after as { id: string }).id, 'audit-hours');
    assert.equal(created.before, undefined);
    assert.deepEqual([deleted.path, deleted.params, deleted.status], ['/admin/autoreply-rules/audit-hours', { id: 'audit-hours' }, deleted.status]);
    assert.ok(deleted.status < 300);
    assert.ok(mine.indexOf(deleted) < mine.indexOf(created), 'newest first');
  });

  test('a campaign action reads the campaign before and after; a refused change is recorded with its status', async () => {
    const body = {
      name: '审计红包',
      trigger: { keywords: ['审计'] },
      schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '12:00' }, from: '2099-01-01', to: '2099-01-02' },
      round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
      eligibility: { perMemberPerRound: 1, perMemberPerDay: 1 },
      levelMultipliers: {},
      payout: { mode: 'wallet' },
    };
    const created = (await ok(mia('POST', '/admin/campaigns', body))).body as { id: string };
    await ok(mia('POST', `/admin/campaigns/${created.id}/schedule`));
    const again = await mia('POST', `/admin/campaigns/${created.id}/schedule`);
    assert.equal(again.status, 409);
    const scheduled = await entries({ kind: 'campaigns.schedule.post' });
    const [refused, done] = scheduled;
    assert.deepEqual([done!.outcome, (done!.before as { state: string }).state, (done!.after as { state: string }).state], ['done', 'draft', 'active']);
    assert.ok(done!.diff!.some((d) => d.path === 'state' && d.before === 'draft' && d.after === 'active'));
    assert.deepEqual([refused!.outcome, refused!.status], ['refused', 409]);
    assert.match(JSON.stringify(refused!.after), /only a draft can be scheduled/);
  });

  test('reads, previews and tries record nothing', async () => {
    const count = (await entries()).length;
    await ok(admin('GET', '/admin/levels'));
    await admin('POST', '/admin/autoreply-rules/try', { text: '你好' });
    await ok(admin('POST', '/admin/segments/preview', { segment: { all: [{ subscribed: true }] } }));
    await ok(admin('POST', '/admin/campaigns/preview-split', { round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 } }));
    assert.equal((await entries()).length, count);
  });

  test('secrets are redacted and a big body is cut, the entry saying so', async () => {
    await admin('PUT', '/admin/send-policy', {
      ratePerSecond: 1,
      massMonthlyQuota: 1,
      appSecret: 'hunter2',
      nested: { password: 'p', big: 'x'.repeat(20_000) },
    });
    const [e] = await entries({ kind: 'send-policy.put' });
    assert.ok(!JSON.stringify(e).includes('hunter2'));
    assert.deepEqual(e!.truncated, ['request']);
    assert.equal((e!.request as { truncated: boolean }).truncated, true);
    assert.ok(JSON.stringify(e).length < 30_000);
    await admin('PUT', '/admin/send-policy', { ratePerSecond: 1, massMonthlyQuota: 1, appSecret: 'hunter2', nested: { password: 'p' } });
    const [small] = await entries({ kind: 'send-policy.put' });
    assert.deepEqual(small!.request, { ratePerSecond: 1, massMonthlyQuota: 1, appSecret: '[redacted]', nested: { password: '[redacted]' } });
  });

  test('a denied attempt is recorded as denied, with the roles the caller had', async () => {
    const viewer = adminAs(person('vic@example.com', ['viewer']));
    const r = await viewer('PUT', '/admin/levels', { levels: [] });
    assert.equal(r.status, 403);
    const [e] = await entries({ actor: 'vic@example.com' });
    assert.deepEqual([e!.outcome, e!.status, e!.kind, e!.actor.roles, e!.request], ['denied', 403, 'levels.put', ['viewer'], undefined]);
  });
});

describe('reading and exporting the audit log', () => {
  test('filters by actor (name or sub) and kind, pages with a cursor, and keeps to from/to', async () => {
    for (let i = 0; i < 5; i++) await ok(alice('PUT', '/admin/send-policy', { ratePerSecond: 10 + i, massMonthlyQuota: 4 }));
    const all = await entries({ actor: 'sub-alice@example.com', kind: 'send-policy.put' });
    assert.equal(all.length, 5);
    assert.deepEqual(
      all.map((e) => (e.after as { ratePerSecond: number }).ratePerSecond),
      [14, 13, 12, 11, 10],
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await admin('GET', '/admin/audit', undefined, {
        actor: 'alice@example.com',
        kind: 'send-policy.put',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      assert.equal(r.status, 200);
      assert.ok(r.body.entries.length <= 2);
      seen.push(...r.body.entries.map((e: AuditEntry) => e.id));
      cursor = r.body.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    assert.deepEqual(
      seen,
      all.map((e) => e.id),
    );
    const middle = all[2]!.at;
    const upTo = await entries({ actor: 'alice@example.com', kind: 'send-policy.put', to: middle });
    assert.deepEqual(
      upTo.map((e) => e.id),
      all.slice(2).map((e) => e.id),
    );
    assert.deepEqual(await entries({ from: '2099-01-01', to: '2099-01-02' }), []);
  });

  test('bad queries are 400s naming the field', async () => {
    for (const [query, field] of [
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2026-02-01', to: '2026-01-01' }, 'from'],
      [{ from: '2020-01-01', to: '2026-01-01' }, 'to'],
      [{ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
      [{ limit: '0' }, 'limit'],
      [{ nonsense: '1' }, '(body)'],
    ] as const) {
      const r = await admin('GET', '/admin/audit', undefined, query as Record<string, string>);
      assert.equal(r.status, 400, JSON.stringify(query));
      assert.ok(r.body.error.includes(field), `${JSON.stringify(query)}: ${r.body.error}`);
    }
  });

  test('exports the range as JSON lines and as CSV (formulas defused)', async () => {
    await ok(
      alice('POST', '/admin/autoreply-rules', {
        id: 'formula',
        match: { type: 'exact', pattern: '=1+1' },
        reply: { type: 'text', content: '=HYPERLINK("x")' },
      }),
    );
    const listed = await entries();
    // An export is text, not JSON: read it raw through the handler.
    const raw = (format: string) => handlers.handleAdmin(httpEvent('GET', '/admin/audit/export', { format }, undefined, adminAuth));
    const lines = String((await raw('jsonl')).body)
      .trimEnd()
      .split('\n');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as AuditEntry).id),
      listed.map((e) => e.id),
    );
    const csv = await raw('csv');
    assert.match(String(csv.headers?.['content-type']), /text\/csv/);
    assert.match(String(csv.headers?.['content-disposition']), /attachment; filename="audit-.*\.csv"/);
    const rows = String(csv.body).trimEnd().split('\r\n');
    assert.equal(rows[0], 'id,at,actor,actorSub,roles,via,kind,method,path,route,status,outcome,requestId,approvalId,diff,before,after,request');
    assert.ok(rows.length >= listed.length + 1);
    assert.ok(rows.some((r) => r.startsWith(`${listed[0]!.id},`)));
    const formulaRow = rows.find((r) => r.includes('formula'))!;
    assert.ok(!/,=|,"=/.test(formulaRow), formulaRow);
    assert.equal((await raw('xml')).statusCode, 400);
  });

  test('only admins read it; no route edits or deletes an entry', async () => {
    for (const who of [alice, mia, adminAs(person('v@example.com', ['viewer'])), adminAs(person('a@example.com', ['agent']))]) {
      const r = await who('GET', '/admin/audit');
      assert.equal(r.status, 403);
      assert.deepEqual(r.body.rolesNeeded, ['admin']);
      assert.equal((await who('GET', '/admin/audit/export')).status, 403);
    }
    const id = (await entries())[0]!.id;
    for (const method of ['PUT', 'DELETE', 'POST']) {
      assert.equal((await admin(method, '/admin/audit')).status, 405, method);
      assert.equal((await admin(method, '/admin/audit/export')).status, 405, method);
    }
    for (const method of ['GET', 'PUT', 'DELETE']) assert.equal((await admin(method, `/admin/audit/${id}`)).status, 404, method);
    const writes = adminRoutes(app).filter((r) => r.path.startsWith('/admin/audit') && r.method !== 'GET');
    assert.deepEqual(writes, []);
  });
});

describe('when the audit write fails', () => {
  const levelsCall = (levels: unknown) => {
    const matched = matchRoute(adminRoutes(app), 'PUT', '/admin/levels');
    assert.ok(!('status' in matched));
    const call = { route: matched.route, method: 'PUT', path: '/admin/levels', params: {}, principal: BREAK_GLASS, requestId: 'req-fault', body: { levels } };
    const run = () =>
      matched.route.run({
        params: {},
        query: {},
        body: { levels },
        rawBody: '',
        contentType: 'application/json',
        principal: BREAK_GLASS,
        requestId: 'req-fault',
      });
    return { call, run };
  };
  const isAuditWrite = (c: { constructor: { name: string }; input: Record<string, unknown> }) =>
    c.constructor.name === 'TransactWriteCommand' && JSON.stringify(c.input).includes('AUDITLOG#');

  test('a throttled write is tried again and lands', async () => {
    let seen = 0;
    const faulty = faultyTable(table, (c) => isAuditWrite(c) && seen++ === 0);
    const ports = { ...auditPorts(app), log: dynamoAuditLog(faulty) };
    const levels = [{ name: '重试卡', minLifetimePoints: 0 }];
    const { call, run } = levelsCall(levels);
    const { value, output } = await captureOutput(() => recordAdminChange(ports, call, run));
    assert.equal(value.statusCode, 200);
    assert.equal(faulty.hits(), 1);
    assert.ok(!output.includes('audit-write-failed'));
    const [e] = await entries({ kind: 'levels.put' });
    assert.deepEqual([e!.requestId, (e!.after as { levels: { name: string }[] }).levels[0]!.name], ['req-fault', '重试卡']);
  });

  test('a write that keeps failing: the change stands, the request answers normally, and the entry is in the logs to put back', async () => {
    const faulty = faultyTable(table, isAuditWrite);
    const ports = { ...auditPorts(app), log: dynamoAuditLog(faulty) };
    const levels = [{ name: '失败卡', minLifetimePoints: 0 }];
    const { call, run } = levelsCall(levels);
    const before = (await entries({ kind: 'levels.put' })).length;
    const { value, output } = await captureOutput(() => recordAdminChange(ports, call, run));
    assert.equal(value.statusCode, 200);
    assert.equal(faulty.hits(), 3, 'three tries');
    assert.equal((await admin('GET', '/admin/levels')).body.levels[0].name, '失败卡', 'the change stands');
    assert.equal((await entries({ kind: 'levels.put' })).length, before, 'no entry written');
    const line = output
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { message: string; alarm?: string; day: string; entry: AuditEntry })
      .find((l) => l.alarm === 'audit-write-failed');
    assert.ok(line, output);
    assert.equal(line.message, 'alarm: audit-write-failed');
    assert.equal((line.entry.after as { levels: { name: string }[] }).levels[0]!.name, '失败卡');
    // Recoverable: the logged entry put back as it is.
    await dynamoAuditLog(table).append(line.entry, line.day);
    const [back] = await entries({ kind: 'levels.put' });
    assert.deepEqual(back, line.entry);
  });
});

describe('entries naming a member, and their erasure', () => {
  test('are in the member’s export; erasure keeps who did what and removes the openid and their data', async () => {
    const openid = 'o_audit_member';
    await handlers.handleWeChat(pushEvent(eventXml(openid, 'subscribe')));
    await ok(alice('PUT', `/admin/members/${openid}/attributes`, { nickname: '审计昵称' }));
    await ok(alice('PUT', `/admin/members/${openid}/tags`, { add: ['audit-tag'] }));
    const named = (await entries({ actor: 'alice@example.com' })).filter((e) => e.params.openid === openid);
    assert.equal(named.length, 2);
    const attributes = named.find((e) => e.kind === 'members.attributes.put')!;
    assert.equal((attributes.after as { nickname: string }).nickname, '审计昵称');
    assert.ok(attributes.diff!.some((d) => d.path === 'nickname' && d.after === '审计昵称'));

    const exported = (await admin('GET', `/admin/members/${openid}/export`)).body;
    assert.deepEqual(exported.adminAuditEntries.map((e: AuditEntry) => e.id).sort(), named.map((e) => e.id).sort());
    assert.equal(exported.adminAuditMentions.length, 2);

    await ok(admin('DELETE', `/admin/members/${openid}`));
    const after = await entries();
    for (const e of named) {
      const kept = after.find((x) => x.id === e.id)!;
      assert.ok(kept, 'the entry is not deleted');
      assert.deepEqual([kept.actor, kept.kind, kept.at, kept.status, kept.route], [e.actor, e.kind, e.at, e.status, e.route]);
      assert.equal(kept.params.openid, '[erased member]');
      assert.equal(kept.path, e.path.replace(openid, '[erased member]'));
      assert.ok(kept.erasedAt);
      assert.ok(!JSON.stringify(kept).includes(openid) && !JSON.stringify(kept).includes('审计昵称'), JSON.stringify(kept));
      if (kept.diff) assert.ok(kept.diff.every((d) => Object.keys(d).join() === 'path'));
    }
    const erasure = after.find((e) => e.kind === 'members.delete')!;
    assert.deepEqual([erasure.params.openid, erasure.outcome, erasure.actor.username], ['[erased member]', 'done', 'break-glass']);
    const scan = await table.doc.send(new ScanCommand({ TableName: table.name, ConsistentRead: true }));
    assert.deepEqual(
      (scan.Items ?? []).filter((i) => JSON.stringify(i).includes(openid)).map((i) => `${i.pk} / ${i.sk}`),
      [],
    );
    const mentions = await table.doc.send(
      new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDITOF#${openid}` } }),
    );
    assert.equal(mentions.Items?.length, 0);
  });
});
