import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from './server';
import { sandboxForTests } from './testing/harness';
import { getJson, postJson, startStubCallback, type JsonObject } from './testing/http';

// The API half of the sandbox: api.weixin.qq.com's paths, JSON and error codes, on a test clock.
const APPID = 'wx1234567890abcdef';
const SECRET = 'sandbox-secret';
const START = Date.UTC(2025, 5, 2, 1, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

let now = START;
let sandbox: Sandbox;
let callback: Awaited<ReturnType<typeof startStubCallback>>;

sandboxForTests(
  () => startStubCallback(() => ({ body: 'success' })),
  { clock: () => now },
  (s, c) => {
    sandbox = s;
    callback = c;
  },
);
beforeEach(async () => {
  now = START;
  await postJson(`${sandbox.url}/sandbox/reset`, {});
});

const tokenUrl = (appid = APPID, secret = SECRET, grant = 'client_credential') =>
  `${sandbox.url}/cgi-bin/token?grant_type=${grant}&appid=${appid}&secret=${secret}`;
async function fetchToken(): Promise<string> {
  const { json } = await getJson(tokenUrl());
  assert.equal(typeof json.access_token, 'string', JSON.stringify(json));
  return json.access_token as string;
}
async function stable(force?: boolean): Promise<JsonObject> {
  return (
    await postJson(`${sandbox.url}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: APPID,
      secret: SECRET,
      ...(force === undefined ? {} : { force_refresh: force }),
    })
  ).json;
}
/** errcode of a cheap authenticated call (menu/get answers 46003 when the token is fine and no menu exists). */
async function tokenVerdict(token: string): Promise<number> {
  return (await getJson(`${sandbox.url}/cgi-bin/menu/get?access_token=${encodeURIComponent(token)}`)).json.errcode as number;
}
const api = (path: string, token: string, body: unknown) =>
  postJson(`${sandbox.url}${path}?access_token=${encodeURIComponent(token)}`, body).then((r) => r.json);
/** An API call with a freshly fetched token, for tests that move the clock by days. */
const send = async (path: string, body: unknown) => api(path, await fetchToken(), body);
const follower = (openid: string, body: unknown) => postJson(`${sandbox.url}/sandbox/followers/${openid}/messages`, body);

describe('access_token', () => {
  test('credentials are checked with WeChat error codes', async () => {
    assert.equal((await getJson(tokenUrl(APPID, SECRET, 'password'))).json.errcode, 40002);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&secret=${SECRET}`)).json.errcode, 41002);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}`)).json.errcode, 41004);
    const badAppid = (await getJson(tokenUrl('wx0000000000000000'))).json;
    assert.equal(badAppid.errcode, 40013);
    assert.match(badAppid.errmsg, /^invalid appid/);
    const badSecret = (await getJson(tokenUrl(APPID, 'wrong'))).json;
    assert.equal(badSecret.errcode, 40125);
    assert.match(badSecret.errmsg, /^invalid appsecret/);
    const ok = (await getJson(tokenUrl())).json;
    assert.equal(ok.expires_in, 7200);
    assert.match(ok.access_token, /^[A-Za-z0-9_-]{100,512}$/);
    assert.equal(ok.errcode, undefined);
  });

  test('a new fetch retires the previous token after a 5-minute grace; tokens expire after 7200 s', async () => {
    const first = await fetchToken();
    assert.equal(await tokenVerdict(first), 46003);
    now += 10 * MIN;
    const second = await fetchToken();
    assert.notEqual(second, first);
    now += 5 * MIN - 1000;
    assert.equal(await tokenVerdict(first), 46003, 'still inside the grace period');
    now += 2000;
    assert.equal(await tokenVerdict(first), 40001, 'retired after 5 minutes');
    assert.equal(await tokenVerdict(second), 46003);
    now = START + 10 * MIN + 7200_000;
    assert.equal(await tokenVerdict(second), 42001, 'expired');
  });

  test('missing, unknown and expired tokens: 41001, 40001, 42001', async () => {
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/menu/get`)).json.errcode, 41001);
    assert.equal(await tokenVerdict('not-a-token'), 40001);
    const t = await fetchToken();
    now += 7200_000 - 1000;
    assert.equal(await tokenVerdict(t), 46003);
    now += 1000;
    assert.equal(await tokenVerdict(t), 42001);
  });

  test('stable_token returns the same token until 5 minutes are left, then a new one; the old one lives out its time', async () => {
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/stable_token`)).json.errcode, 43002, 'POST only');
    const a = await stable();
    assert.equal(a.expires_in, 7200);
    now += HOUR;
    const again = await stable(false);
    assert.equal(again.access_token, a.access_token);
    assert.equal(again.expires_in, 3600);
    now = START + 7200_000 - 5 * MIN + 1000;
    const b = await stable();
    assert.notEqual(b.access_token, a.access_token, 'renewed inside the last 5 minutes');
    assert.equal(b.expires_in, 7200);
    assert.equal(await tokenVerdict(a.access_token), 46003, 'the old one still works until it expires');
    now = START + 7200_000;
    assert.equal(await tokenVerdict(a.access_token), 42001);
    assert.equal(await tokenVerdict(b.access_token), 46003);
  });

  test('stable_token force_refresh invalidates the previous token at once; /cgi-bin/token does not touch it', async () => {
    const a = await stable();
    await fetchToken();
    await fetchToken();
    now += 10 * MIN;
    assert.equal(await tokenVerdict(a.access_token), 46003, 'isolated from /cgi-bin/token');
    const b = await stable(true);
    assert.notEqual(b.access_token, a.access_token);
    assert.equal(await tokenVerdict(a.access_token), 40001);
    assert.equal(await tokenVerdict(b.access_token), 46003);
    const bad = await postJson(`${sandbox.url}/cgi-bin/stable_token`, { grant_type: 'client_credential', appid: APPID, secret: 'nope' });
    assert.equal(bad.json.errcode, 40125);
  });
});

describe('menu', () => {
  const click = (name: string, key: string) => ({ type: 'click', name, key });
  const valid = {
    button: [
      click('签到', 'SIGN_IN'),
      { name: '会员', sub_button: [click('我的积分', 'POINTS'), { type: 'view', name: '会员中心', url: 'https://example.com/member' }] },
      { type: 'view', name: '官网', url: 'https://example.com' },
    ],
  };
  const cases: Array<[string, unknown, number]> = [
    ['no buttons', { button: [] }, 40016],
    ['four buttons', { button: [1, 2, 3, 4].map((i) => click(`b${i}`, `K${i}`)) }, 40016],
    ['six sub-buttons', { button: [{ name: '多', sub_button: [1, 2, 3, 4, 5, 6].map((i) => click(`s${i}`, `S${i}`)) }] }, 40023],
    ['top name of 18 bytes', { button: [click('一二三四五六', 'K')] }, 40018],
    ['sub name of 61 bytes', { button: [{ name: '子', sub_button: [click('x'.repeat(61), 'K')] }] }, 40025],
    ['key of 129 bytes', { button: [click('k', 'k'.repeat(129))] }, 40019],
    ['sub key of 129 bytes', { button: [{ name: '子', sub_button: [click('k', 'k'.repeat(129))] }] }, 40026],
    ['unknown type', { button: [{ type: 'tap', name: 't', key: 'K' }] }, 40017],
    ['unknown sub type', { button: [{ name: '子', sub_button: [{ type: 'tap', name: 't', key: 'K' }] }] }, 40024],
    ['view without url', { button: [{ type: 'view', name: 'v' }] }, 40020],
    ['sub view with a 1025-byte url', { button: [{ name: '子', sub_button: [{ type: 'view', name: 'v', url: `https://e.com/${'a'.repeat(1011)}` }] }] }, 40027],
    ['three levels', { button: [{ name: '子', sub_button: [{ type: 'click', name: 'c', key: 'K', sub_button: [click('x', 'X')] }] }] }, 40022],
  ];

  test('create enforces WeChat limits with WeChat error codes', async () => {
    const token = await fetchToken();
    for (const [label, body, code] of cases) {
      assert.equal((await api('/cgi-bin/menu/create', token, body)).errcode, code, label);
    }
    const boundary = { button: [click('一二三四五', 'k'.repeat(128)), { name: '子', sub_button: [click('x'.repeat(60), 'K')] }] };
    assert.equal((await api('/cgi-bin/menu/create', token, boundary)).errcode, 0, '15-byte name, 128-byte key and 60-byte sub name are allowed');
    const notJson = await postJson(`${sandbox.url}/cgi-bin/menu/create?access_token=${token}`, '{"button": [', true);
    assert.equal(notJson.json.errcode, 47001);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/menu/create?access_token=${token}`)).json.errcode, 43002);
  });

  test('create, get, delete', async () => {
    const token = await fetchToken();
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/menu/get?access_token=${token}`)).json.errcode, 46003);
    assert.deepEqual(await api('/cgi-bin/menu/create', token, valid), { errcode: 0, errmsg: 'ok' });
    const got = (await getJson(`${sandbox.url}/cgi-bin/menu/get?access_token=${token}`)).json;
    assert.deepEqual(got.menu.button[0], { type: 'click', name: '签到', key: 'SIGN_IN', sub_button: [] });
    assert.equal(got.menu.button[1].name, '会员');
    assert.deepEqual(got.menu.button[1].sub_button[1], { type: 'view', name: '会员中心', url: 'https://example.com/member', sub_button: [] });
    assert.equal(got.menu.button[1].type, undefined);
    assert.deepEqual((await getJson(`${sandbox.url}/sandbox/state`)).json.menu, got.menu);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/menu/delete?access_token=${token}`)).json.errcode, 0);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/menu/get?access_token=${token}`)).json.errcode, 46003);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/menu/delete?access_token=bad`)).json.errcode, 40001);
  });
});

describe('customer-service messages', () => {
  const text = (touser: string, content = '你好') => ({ touser, msgtype: 'text', text: { content } });

  test('40003 for an openid the sandbox never saw; delivered inside the 48-hour window', async () => {
    assert.equal((await send('/cgi-bin/message/custom/send', text('oNobody'))).errcode, 40003);
    assert.equal((await follower('oAlice', { type: 'text', content: '在吗' })).status, 200);
    now += 47 * HOUR;
    assert.deepEqual(await send('/cgi-bin/message/custom/send', text('oAlice', '在的')), { errcode: 0, errmsg: 'ok' });
    const news = {
      touser: 'oAlice',
      msgtype: 'news',
      news: { articles: [{ title: '会员日', description: '满减', url: 'https://e.com/a', picurl: 'https://e.com/p.jpg' }] },
    };
    assert.equal((await send('/cgi-bin/message/custom/send', news)).errcode, 0);
    const inbox = (await getJson(`${sandbox.url}/sandbox/followers/oAlice/inbox`)).json.entries as JsonObject[];
    const custom = inbox.filter((e) => e.channel === 'custom');
    assert.deepEqual(
      custom.map((e) => [e.direction, e.msgType, e.content ?? e.articles[0].title]),
      [
        ['in', 'text', '在的'],
        ['in', 'news', '会员日'],
      ],
    );
  });

  test('45015 once 48 hours passed since the last message, click, subscribe or scan; VIEW does not reopen it', async () => {
    await follower('oBob', { type: 'event', event: 'subscribe' });
    now += 48 * HOUR + 1000;
    const late = await send('/cgi-bin/message/custom/send', text('oBob'));
    assert.equal(late.errcode, 45015);
    assert.match(late.errmsg, /^response out of time limit/);
    await follower('oBob', { type: 'event', event: 'VIEW', eventKey: 'https://example.com' });
    assert.equal((await send('/cgi-bin/message/custom/send', text('oBob'))).errcode, 45015, 'VIEW is not an interaction that opens the window');
    await follower('oBob', { type: 'click', key: 'SIGN_IN' });
    assert.equal((await send('/cgi-bin/message/custom/send', text('oBob'))).errcode, 0);
    now += 48 * HOUR + 1000;
    await follower('oBob', { type: 'event', event: 'SCAN', eventKey: 'store_12' });
    assert.equal((await send('/cgi-bin/message/custom/send', text('oBob'))).errcode, 0);
  });

  test('45047 past 5 messages per follower message, or 3 within a minute of a click; the follower writing starts the count again', async () => {
    await follower('oDan', { type: 'text', content: '在吗' });
    for (let i = 1; i <= 5; i++) assert.equal((await send('/cgi-bin/message/custom/send', text('oDan', `第${i}条`))).errcode, 0, `message ${i}`);
    const sixth = await send('/cgi-bin/message/custom/send', text('oDan', '第6条'));
    assert.equal(sixth.errcode, 45047);
    assert.match(sixth.errmsg, /^out of response count limit/);
    assert.equal(
      (await send('/cgi-bin/message/custom/send', { touser: 'oDan', msgtype: 'telegram', telegram: {} })).errcode,
      40008,
      'a bad message is refused for what it is',
    );
    await follower('oDan', { type: 'text', content: '还在吗' });
    assert.equal((await send('/cgi-bin/message/custom/send', text('oDan', '在的'))).errcode, 0, 'writing again allows 5 more');

    await follower('oEve', { type: 'click', key: 'SIGN_IN' });
    for (let i = 1; i <= 3; i++) assert.equal((await send('/cgi-bin/message/custom/send', text('oEve'))).errcode, 0, `message ${i} after the click`);
    assert.equal((await send('/cgi-bin/message/custom/send', text('oEve'))).errcode, 45047);
    await follower('oEve', { type: 'click', key: 'SIGN_IN' });
    now += 61_000;
    assert.equal((await send('/cgi-bin/message/custom/send', text('oEve'))).errcode, 45047, 'a click allows its 3 for a minute only');
    const got = (await getJson(`${sandbox.url}/sandbox/followers/oEve/inbox`)).json.entries as JsonObject[];
    assert.equal(got.filter((e) => e.channel === 'custom').length, 3);
  });

  test('43004 after unfollowing; 40008 and 44004 for bad messages', async () => {
    await follower('oCarol', { type: 'text', content: 'hi' });
    assert.equal((await send('/cgi-bin/message/custom/send', { touser: 'oCarol', msgtype: 'telegram', telegram: {} })).errcode, 40008);
    assert.equal((await send('/cgi-bin/message/custom/send', text('oCarol', ''))).errcode, 44004);
    await follower('oCarol', { type: 'event', event: 'unsubscribe' });
    assert.equal((await send('/cgi-bin/message/custom/send', text('oCarol'))).errcode, 43004);
    const inbox = (await getJson(`${sandbox.url}/sandbox/followers/oCarol/inbox`)).json.entries as JsonObject[];
    assert.equal(inbox.filter((e) => e.channel === 'custom').length, 0);
  });
});

describe('template messages', () => {
  const notice = (touser: string, extra: JsonObject = {}) => ({
    touser,
    template_id: 'TPL_POINTS_EXPIRING',
    url: 'https://example.com/points',
    data: { first: { value: '您的积分即将过期' }, keyword1: { value: '120 分', color: '#FF0000' }, keyword2: { value: 2025 } },
    ...extra,
  });

  test('delivered with a msgid, outside the 48-hour window too', async () => {
    await follower('oDan', { type: 'event', event: 'subscribe', eventKey: 'qrscene_7' });
    now += 30 * 24 * HOUR;
    const sent = await send('/cgi-bin/message/template/send', notice('oDan'));
    assert.equal(sent.errcode, 0);
    assert.equal(sent.errmsg, 'ok');
    assert.ok(Number.isSafeInteger(sent.msgid) && sent.msgid > 0, `msgid ${sent.msgid}`);
    const inbox = (await getJson(`${sandbox.url}/sandbox/followers/oDan/inbox`)).json.entries as JsonObject[];
    const tpl = inbox.find((e) => e.channel === 'template')!;
    assert.equal(tpl.templateId, 'TPL_POINTS_EXPIRING');
    assert.equal(tpl.url, 'https://example.com/points');
    assert.equal(tpl.msgid, sent.msgid);
    assert.deepEqual(tpl.data, { first: { value: '您的积分即将过期' }, keyword1: { value: '120 分', color: '#FF0000' }, keyword2: { value: '2025' } });
  });

  test('a repeated client_msg_id returns the same msgid and delivers once', async () => {
    await follower('oEve', { type: 'text', content: 'hi' });
    const a = await send('/cgi-bin/message/template/send', notice('oEve', { client_msg_id: 'expire-2025-06' }));
    const b = await send('/cgi-bin/message/template/send', notice('oEve', { client_msg_id: 'expire-2025-06' }));
    const c = await send('/cgi-bin/message/template/send', notice('oEve', { client_msg_id: 'expire-2025-07' }));
    assert.equal(a.errcode, 0);
    assert.equal(b.msgid, a.msgid);
    assert.notEqual(c.msgid, a.msgid);
    const inbox = (await getJson(`${sandbox.url}/sandbox/followers/oEve/inbox`)).json.entries as JsonObject[];
    assert.equal(inbox.filter((e) => e.channel === 'template').length, 2);
  });

  test('40003 unknown openid, 43004 unsubscribed, 47001 without data', async () => {
    assert.equal((await send('/cgi-bin/message/template/send', notice('oGhost'))).errcode, 40003);
    await follower('oFay', { type: 'text', content: 'hi' });
    assert.equal((await send('/cgi-bin/message/template/send', { touser: 'oFay', template_id: 'T' })).errcode, 47001);
    await follower('oFay', { type: 'event', event: 'unsubscribe' });
    assert.equal((await send('/cgi-bin/message/template/send', notice('oFay'))).errcode, 43004);
  });

  test('40037 for a template id outside a configured list', async () => {
    const strict = createSandbox({ callbackUrl: callback.url, clock: () => now, templateIds: ['TPL_OK'] });
    await strict.listen(0);
    try {
      const token = (await getJson(`${strict.url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`)).json.access_token as string;
      await postJson(`${strict.url}/sandbox/followers/oGus/messages`, { type: 'text', content: 'hi' });
      const send = (id: string) => postJson(`${strict.url}/cgi-bin/message/template/send?access_token=${token}`, { touser: 'oGus', template_id: id, data: {} });
      assert.equal((await send('TPL_OTHER')).json.errcode, 40037);
      assert.equal((await send('TPL_OK')).json.errcode, 0);
    } finally {
      await strict.close();
    }
  });
});

describe('user/info and the call log', () => {
  test('user/info reflects subscribe state and QR scene', async () => {
    const token = await fetchToken();
    const info = (openid: string) => getJson(`${sandbox.url}/cgi-bin/user/info?access_token=${token}&openid=${openid}&lang=zh_CN`).then((r) => r.json);
    assert.equal((await info('oNobody')).errcode, 40003);
    await follower('oHan', { type: 'event', event: 'subscribe', eventKey: 'qrscene_123', ticket: 'gQH47joAAAAAAAAAASxodHRw' });
    const h = await info('oHan');
    assert.equal(h.subscribe, 1);
    assert.equal(h.openid, 'oHan');
    assert.equal(h.subscribe_time, Math.floor(START / 1000));
    assert.equal(h.subscribe_scene, 'ADD_SCENE_QR_CODE');
    assert.equal(h.qr_scene, 123);
    assert.equal(h.qr_scene_str, '');
    assert.deepEqual(h.tagid_list, []);
    for (const field of ['language', 'remark', 'groupid']) assert.ok(field in h, field);
    await follower('oIvy', { type: 'event', event: 'subscribe', eventKey: 'qrscene_store_12' });
    const i = await info('oIvy');
    assert.equal(i.qr_scene, 0);
    assert.equal(i.qr_scene_str, 'store_12');
    await follower('oHan', { type: 'event', event: 'unsubscribe' });
    const gone = await info('oHan');
    assert.equal(gone.subscribe, 0);
    assert.equal(gone.subscribe_time, undefined);
  });

  test('every API call is recorded with path, body and errcode; reset forgets everything', async () => {
    const token = await fetchToken();
    await api('/cgi-bin/message/custom/send', token, { touser: 'oNobody', msgtype: 'text', text: { content: 'x' } });
    await api('/cgi-bin/menu/create', token, { button: [] });
    const { calls } = (await getJson(`${sandbox.url}/sandbox/calls`)).json;
    assert.deepEqual(
      calls.map((c: JsonObject) => [c.method, c.path, c.errcode]),
      [
        ['GET', '/cgi-bin/token', 0],
        ['POST', '/cgi-bin/message/custom/send', 40003],
        ['POST', '/cgi-bin/menu/create', 40016],
      ],
    );
    assert.deepEqual(calls[1].body, { touser: 'oNobody', msgtype: 'text', text: { content: 'x' } });
    const filtered = (await getJson(`${sandbox.url}/sandbox/calls?path=/cgi-bin/menu/create`)).json.calls;
    assert.equal(filtered.length, 1);
    const state = (await getJson(`${sandbox.url}/sandbox/state`)).json;
    assert.equal(state.tokenCount, 1);
    assert.equal(state.callCount, 3);
    await postJson(`${sandbox.url}/sandbox/reset`, {});
    const after = (await getJson(`${sandbox.url}/sandbox/state`)).json;
    assert.equal(after.tokenCount, 0);
    assert.equal(after.callCount, 0);
    assert.equal(await tokenVerdict(token), 40001);
  });

  test('paths the sandbox does not emulate answer 404, not a fake success', async () => {
    const token = await fetchToken();
    const res = await postJson(`${sandbox.url}/cgi-bin/message/mass/sendall?access_token=${token}`, {});
    assert.equal(res.status, 404);
    assert.notEqual(res.json.errcode, 0);
  });

  test('POST /sandbox/clock shifts the sandbox clock', async () => {
    const token = await fetchToken();
    const shifted = await postJson(`${sandbox.url}/sandbox/clock`, { advanceSeconds: 7200 });
    assert.equal(shifted.json.now, START + 7200_000);
    assert.equal(await tokenVerdict(token), 42001);
    assert.equal((await postJson(`${sandbox.url}/sandbox/clock`, { advanceSeconds: 'soon' })).status, 400);
  });
});
