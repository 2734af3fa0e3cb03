import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHandlers } from './support/handlers';
import { pushEvent, textXml } from './support/pushes';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  await useTestTable();
  handlers = await loadHandlers();
});

const handleWeChat = (...args: Parameters<typeof handlers.handleWeChat>) => handlers.handleWeChat(...args);
const admin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => handlers.admin(method, path, body, { headers });

describe('admin API is closed without the token', () => {
  test('no token → 401', async () => {
    const res = await admin('GET', '/admin/autoreply-rules', undefined, {});
    assert.equal(res.status, 401);
    assert.match(res.body.error, /bearer/i);
  });
  test('wrong token → 401, even for an unknown path', async () => {
    assert.equal((await admin('GET', '/admin/autoreply-rules', undefined, { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await admin('GET', '/admin/nothing-here', undefined, { authorization: 'Bearer nope' })).status, 401);
  });
  test('unknown endpoint → 404, wrong method → 405', async () => {
    assert.equal((await admin('GET', '/admin/nothing-here')).status, 404);
    assert.equal((await admin('PATCH', '/admin/autoreply-rules')).status, 405);
  });
});

describe('auto-reply rules', () => {
  test('create, list, replace, delete; the callback answers with the new rule', async () => {
    const created = await admin('POST', '/admin/autoreply-rules', {
      id: 'opening',
      match: { type: 'contains', pattern: '营业' },
      reply: { type: 'text', content: '每天 10:00–22:00 营业' },
      priority: 5,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.id, 'opening');
    assert.equal(
      (await admin('POST', '/admin/autoreply-rules', { id: 'opening', match: { type: 'exact', pattern: 'x' }, reply: { type: 'text', content: 'x' } })).status,
      409,
    );
    const list = await admin('GET', '/admin/autoreply-rules');
    assert.deepEqual(
      list.body.rules.map((r: { id: string }) => r.id),
      ['opening'],
    );

    const res = await handleWeChat(pushEvent(textXml('o_admin_1', '你们几点营业？')));
    assert.match(String(res.body), /每天 10:00–22:00 营业/);

    const replaced = await admin('PUT', '/admin/autoreply-rules/opening', {
      match: { type: 'contains', pattern: '营业' },
      reply: { type: 'text', content: '全天营业' },
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.reply.content, '全天营业');
    assert.equal((await admin('PUT', '/admin/autoreply-rules/missing', { match: { type: 'default' }, reply: { type: 'text', content: 'x' } })).status, 404);
    assert.equal((await admin('DELETE', '/admin/autoreply-rules/opening')).status, 204);
    assert.equal((await admin('DELETE', '/admin/autoreply-rules/opening')).status, 404);
  });

  test('a bad rule is a 400 that names the field', async () => {
    const backref = await admin('POST', '/admin/autoreply-rules', { match: { type: 'regex', pattern: '(a)\\1' }, reply: { type: 'text', content: 'x' } });
    assert.equal(backref.status, 400);
    assert.match(backref.body.error, /match\.pattern/);
    const noReply = await admin('POST', '/admin/autoreply-rules', { match: { type: 'exact', pattern: 'x' } });
    assert.equal(noReply.status, 400);
    assert.match(noReply.body.error, /^reply/);
    const badHours = await admin('POST', '/admin/autoreply-rules', {
      match: { type: 'exact', pattern: 'x' },
      reply: { type: 'text', content: 'x' },
      activeHours: { start: '25:00', end: '08:00' },
    });
    assert.match(badHours.body.error, /activeHours\.start/);
    const notJson = await admin('POST', '/admin/autoreply-rules', '{not json');
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.error, /JSON/);
  });

  test('try a message: shows which rule answers, honouring priority', async () => {
    await admin('POST', '/admin/autoreply-rules', {
      id: 'broad',
      match: { type: 'contains', pattern: '红包' },
      reply: { type: 'text', content: 'broad' },
      priority: 50,
    });
    await admin('POST', '/admin/autoreply-rules', {
      id: 'narrow',
      match: { type: 'regex', pattern: '^抢红包$' },
      reply: { type: 'text', content: 'narrow' },
      priority: 10,
    });
    assert.equal((await admin('POST', '/admin/autoreply-rules/try', { text: '抢红包' })).body.ruleId, 'narrow');
    assert.equal((await admin('POST', '/admin/autoreply-rules/try', { text: '今天有红包吗' })).body.ruleId, 'broad');
    assert.equal((await admin('POST', '/admin/autoreply-rules/try', { text: 'nothing' })).body.ruleId, null);
  });
});

describe('menu', () => {
  test('a valid menu is saved and read back', async () => {
    const menu = {
      button: [
        { type: 'click', name: '签到', key: 'SIGN_IN' },
        {
          name: '会员',
          sub_button: [
            { type: 'click', name: '我的账户', key: 'MY_ACCOUNT' },
            { type: 'view', name: '官网', url: 'https://example.com' },
          ],
        },
      ],
    };
    assert.equal((await admin('PUT', '/admin/menu', menu)).status, 200);
    assert.deepEqual((await admin('GET', '/admin/menu')).body.menu, menu);
  });
  test("WeChat's limits are enforced with a 400 naming the field", async () => {
    const four = { button: Array.from({ length: 4 }, (_, i) => ({ type: 'click', name: `b${i}`, key: `K${i}` })) };
    const r1 = await admin('PUT', '/admin/menu', four);
    assert.equal(r1.status, 400);
    assert.match(r1.body.error, /button: a menu holds at most 3 buttons/);
    const sixSubs = { button: [{ name: 'm', sub_button: Array.from({ length: 6 }, (_, i) => ({ type: 'click', name: `s${i}`, key: `S${i}` })) }] };
    assert.match((await admin('PUT', '/admin/menu', sixSubs)).body.error, /sub_button/);
    const longName = { button: [{ type: 'click', name: '这个名字太长了啊', key: 'K' }] };
    assert.match((await admin('PUT', '/admin/menu', longName)).body.error, /button\.0\.name.*16 bytes/);
    const longKey = { button: [{ type: 'click', name: 'k', key: 'K'.repeat(129) }] };
    assert.match((await admin('PUT', '/admin/menu', longKey)).body.error, /key is at most 128 bytes/);
    const dupKeys = {
      button: [
        { type: 'click', name: 'a', key: 'K' },
        { type: 'click', name: 'b', key: 'K' },
      ],
    };
    assert.match((await admin('PUT', '/admin/menu', dupKeys)).body.error, /used twice/);
  });
});

describe('members', () => {
  test('GET /admin/members/{openid} reads the member the callback wrote; unknown is 404', async () => {
    await handleWeChat(pushEvent(textXml('o_admin_member', 'hello')));
    const res = await admin('GET', '/admin/members/o_admin_member');
    assert.equal(res.status, 200);
    assert.equal(res.body.openid, 'o_admin_member');
    assert.equal(res.body.subscribed, true);
    assert.ok(Date.parse(res.body.serviceWindowEndsAt) > Date.now() + 47 * 3600 * 1000);
    assert.equal((await admin('GET', '/admin/members/o_nobody')).status, 404);
  });
});
