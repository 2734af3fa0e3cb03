import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sandbox } from './server';
import { sandboxForTests } from './testing/harness';
import { getJson, postJson, startStubCallback, type JsonObject } from './testing/http';

// Failures of api.weixin.qq.com on demand: the next n calls to a path (for one openid, if asked)
// time out, answer HTTP 500, answer -1, or are carried out with their answer lost.
const APPID = 'wx1234567890abcdef';
const START = Date.UTC(2025, 5, 2, 1, 0, 0);
const TEMPLATE = '/cgi-bin/message/template/send';
const MASS = '/cgi-bin/message/mass/send';

let now = START;
let sandbox: Sandbox;
let token = '';

sandboxForTests(
  () => startStubCallback(() => ({ body: 'success' })),
  { clock: () => now, jobEvents: false },
  (s) => {
    sandbox = s;
  },
);
beforeEach(async () => {
  now = START;
  await postJson(`${sandbox.url}/sandbox/reset`, {});
  await postJson(`${sandbox.url}/sandbox/followers`, { openids: ['oAnn', 'oBen'] });
  token = (await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=sandbox-secret`)).json.access_token as string;
});

const fault = (body: unknown) => postJson(`${sandbox.url}/sandbox/faults`, body);
const notice = (touser: string, extra: JsonObject = {}) => ({ touser, template_id: 'TPL_POINTS', data: { keyword1: { value: '120 分' } }, ...extra });
/** One API call as a client makes it, giving up after `timeoutMs` like lib/wechat/api.ts does after 5 s. */
async function call(path: string, body: unknown, timeoutMs = 2000): Promise<{ status: number; json?: JsonObject; text?: string; error?: string }> {
  try {
    const res = await fetch(`${sandbox.url}${path}?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return res.headers.get('content-type')?.startsWith('application/json') ? { status: res.status, json: JSON.parse(text) } : { status: res.status, text };
  } catch (err) {
    return { status: 0, error: (err as Error).name };
  }
}
const received = async (openid: string, channel: string) =>
  ((await getJson(`${sandbox.url}/sandbox/followers/${openid}/inbox`)).json.entries as JsonObject[]).filter((e) => e.channel === channel);
const calls = async (path: string) => (await getJson(`${sandbox.url}/sandbox/calls?path=${path}`)).json.calls as JsonObject[];
const pending = async () => (await getJson(`${sandbox.url}/sandbox/faults`)).json.faults as JsonObject[];

describe('faults that fail the call (nothing is done)', () => {
  test('busy: {errcode: -1, errmsg: "system error"} for the next n calls, then normal answers', async () => {
    assert.equal((await fault({ path: TEMPLATE, kind: 'busy', count: 2 })).status, 200);
    for (let i = 0; i < 2; i++) {
      const busy = await call(TEMPLATE, notice('oAnn'));
      assert.equal(busy.status, 200);
      assert.equal(busy.json!.errcode, -1);
      assert.match(busy.json!.errmsg, /^system error/);
    }
    assert.equal((await call(TEMPLATE, notice('oAnn'))).json!.errcode, 0);
    assert.equal((await received('oAnn', 'template')).length, 1);
    assert.deepEqual(
      (await calls(TEMPLATE)).map((c) => [c.errcode, c.fault]),
      [
        [-1, 'busy'],
        [-1, 'busy'],
        [0, undefined],
      ],
    );
    assert.deepEqual(await pending(), []);
  });

  test('http500: an HTML 500 page', async () => {
    await fault({ path: MASS, kind: 'http500' });
    const failed = await call(MASS, { touser: ['oAnn', 'oBen'], msgtype: 'text', text: { content: '会员日' } });
    assert.equal(failed.status, 500);
    assert.match(failed.text!, /500 Internal Server Error/);
    assert.equal((await received('oAnn', 'mass')).length, 0);
    assert.equal((await getJson(`${sandbox.url}/sandbox/limits`)).json.usage.massThisMonth.oAnn, undefined, 'no quota used');
    assert.deepEqual(
      (await calls(MASS)).map((c) => [c.errcode, c.fault]),
      [[-1, 'http500']],
    );
  });

  test('timeout: no answer before the client gives up; with delayMs the socket is dropped', async () => {
    await fault({ path: TEMPLATE, kind: 'timeout' });
    const started = Date.now();
    assert.deepEqual(await call(TEMPLATE, notice('oAnn'), 300), { status: 0, error: 'TimeoutError' });
    assert.ok(Date.now() - started < 5000);
    await fault({ path: TEMPLATE, kind: 'timeout', delayMs: 50 });
    const dropped = await call(TEMPLATE, notice('oAnn'), 5000);
    assert.equal(dropped.status, 0);
    assert.equal(dropped.error, 'TypeError', 'fetch failed: the socket was closed without an answer');
    assert.equal((await received('oAnn', 'template')).length, 0);
    assert.deepEqual(
      (await calls(TEMPLATE)).map((c) => c.fault),
      ['timeout', 'timeout'],
    );
  });

  test('openid: only calls addressed to that follower (touser, or in a mass list) fail', async () => {
    await fault({ path: TEMPLATE, kind: 'busy', openid: 'oBen', count: 5 });
    await fault({ path: MASS, kind: 'busy', openid: 'oBen' });
    assert.equal((await call(TEMPLATE, notice('oAnn'))).json!.errcode, 0);
    assert.equal((await call(TEMPLATE, notice('oBen'))).json!.errcode, -1);
    assert.equal((await call(MASS, { touser: ['oAnn', 'oBen'], msgtype: 'text', text: { content: '会员日' } })).json!.errcode, -1);
    assert.deepEqual(
      (await pending()).map((f) => [f.path, f.count]),
      [[TEMPLATE, 4]],
    );
  });
});

describe('drop-after-commit: done, but the answer is lost', () => {
  test('template: delivered, counted and deduplicated; the retry with the same client_msg_id gets the msgid', async () => {
    await fault({ path: TEMPLATE, kind: 'drop-after-commit' });
    const lost = await call(TEMPLATE, notice('oAnn', { client_msg_id: 'points-7' }));
    assert.equal(lost.status, 0);
    assert.equal(lost.error, 'TypeError');
    const [delivered] = await received('oAnn', 'template');
    assert.ok(delivered, 'the message was delivered');
    assert.equal((await getJson(`${sandbox.url}/sandbox/limits`)).json.usage.templatesToday, 1);
    const retry = await call(TEMPLATE, notice('oAnn', { client_msg_id: 'points-7' }));
    assert.deepEqual(retry.json, { errcode: 0, errmsg: 'ok', msgid: delivered.msgid });
    assert.equal((await received('oAnn', 'template')).length, 1, 'not delivered twice');
    assert.deepEqual(
      (await calls(TEMPLATE)).map((c) => [c.errcode, c.fault]),
      [
        [0, 'drop-after-commit'],
        [0, undefined],
      ],
    );
  });

  test('mass: the retry with the same clientmsgid is refused with 45065 and the msg_id of the job that went out', async () => {
    await fault({ path: MASS, kind: 'drop-after-commit', delayMs: 20 });
    const body = { touser: ['oAnn', 'oBen'], msgtype: 'text', text: { content: '会员日' }, clientmsgid: 'broadcast-9' };
    assert.equal((await call(MASS, body)).status, 0);
    const [delivered] = await received('oBen', 'mass');
    const retry = await call(MASS, body);
    assert.equal(retry.json!.errcode, 45065);
    assert.equal(retry.json!.msg_id, delivered!.msgid);
    assert.equal((await received('oBen', 'mass')).length, 1);
  });
});

describe('the faults control', () => {
  test('validates, lists pending faults, clears them; reset clears them too', async () => {
    for (const bad of [
      { kind: 'busy' },
      { path: 'cgi-bin/x', kind: 'busy' },
      { path: TEMPLATE, kind: 'slow' },
      { path: TEMPLATE, kind: 'busy', count: 0 },
      { path: TEMPLATE, kind: 'timeout', delayMs: -1 },
      { path: TEMPLATE, kind: 'busy', openid: 7 },
      [],
    ]) {
      const res = await fault(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(typeof res.json.error, 'string');
    }
    const added = await fault({ path: TEMPLATE, kind: 'timeout', count: 3, openid: 'oAnn' });
    assert.deepEqual({ ...added.json.fault, id: 0 }, { id: 0, path: TEMPLATE, kind: 'timeout', count: 3, openid: 'oAnn', delayMs: 30_000 });
    await fault({ path: MASS, kind: 'http500' });
    assert.deepEqual(
      (await pending()).map((f) => f.kind),
      ['timeout', 'http500'],
    );
    const cleared = await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' });
    assert.deepEqual(await cleared.json(), { faults: [] });
    assert.deepEqual(await pending(), []);
    await fault({ path: MASS, kind: 'http500' });
    await postJson(`${sandbox.url}/sandbox/reset`, {});
    assert.deepEqual(await pending(), []);
  });
});
