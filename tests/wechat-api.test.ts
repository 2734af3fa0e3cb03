import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../lib/clock/clock';
import { dynamoMenuStore } from '../lib/menu/menuStore';
import { publishMenu } from '../lib/menu/publishMenu';
import type { Table } from '../lib/store/dynamo';
import { refreshAccessToken, stableTokenFetcher, tokenProvider } from '../lib/wechat/accessToken';
import { createWeChatApi } from '../lib/wechat/api';
import { dynamoTokenStore } from '../lib/wechat/dynamoTokenStore';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { TEST_CONFIG, useTestTable } from './support/testTable';

let table: Table;
let sandbox: Sandbox;

before(async () => {
  table = await useTestTable();
  sandbox = createSandbox({});
  await sandbox.listen(0);
});
after(() => sandbox.close());
beforeEach(async () => {
  await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' });
  await dynamoTokenStore(table).write({ token: 'none', expiresAt: 0, fetchedAt: 0 });
});

const tokenCalls = (force?: boolean) =>
  sandbox.state.calls.filter(
    (c) => c.path === '/cgi-bin/stable_token' && (force === undefined || Boolean((c.body as { force_refresh?: boolean }).force_refresh) === force),
  ).length;

/** One Lambda container: its own provider and API client over the shared table. */
function container() {
  const store = dynamoTokenStore(table);
  const refresherPorts = {
    store,
    fetchToken: stableTokenFetcher(TEST_CONFIG.WECHAT_APPID, TEST_CONFIG.WECHAT_APPSECRET, { baseUrl: sandbox.url }),
    clock: systemClock,
  };
  const refresh = (stale?: string) => refreshAccessToken(refresherPorts, stale);
  return { refresh, api: createWeChatApi({ baseUrl: sandbox.url, tokens: tokenProvider(store, systemClock, refresh) }) };
}

test('the scheduled refresher stores a token once and leaves a fresh one alone', async () => {
  const c = container();
  const first = await c.refresh();
  assert.ok(first.ok);
  const second = await c.refresh();
  assert.ok(second.ok);
  assert.equal(second.value.token, first.value.token);
  assert.equal(tokenCalls(), 1);
});

test('a bad appsecret comes back as a typed error, not a throw', async () => {
  const result = await stableTokenFetcher(TEST_CONFIG.WECHAT_APPID, 'wrong', { baseUrl: sandbox.url })(false);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.errcode, 40125);
});

test('an unreachable API base is a transient error', async () => {
  const result = await stableTokenFetcher(TEST_CONFIG.WECHAT_APPID, 'x', { baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 })(false);
  assert.equal(!result.ok && result.error.kind, 'transient');
});

test('40001 after the token was replaced: 30 concurrent calls in 3 containers share one refresh, no stampede', async () => {
  const containers = [container(), container(), container()];
  assert.ok((await containers[0]!.refresh()).ok);
  await Promise.all(containers.map((c) => c.api.getMenu())); // every container caches the token
  // Someone forces a new token (another tool, the console): the stored one is now invalid.
  const forced = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', appid: TEST_CONFIG.WECHAT_APPID, secret: TEST_CONFIG.WECHAT_APPSECRET, force_refresh: true }),
  });
  assert.equal(forced.status, 200);
  const before = tokenCalls();
  const results = await Promise.all(containers.flatMap((c) => Array.from({ length: 10 }, () => c.api.deleteMenu())));
  assert.ok(
    results.every((r) => r.ok),
    JSON.stringify(results.find((r) => !r.ok)),
  );
  const fetches = tokenCalls() - before;
  assert.ok(fetches >= 1 && fetches <= containers.length, `stable_token calls: ${fetches}`);
  assert.equal(tokenCalls(true), 1, 'only the test itself forced a refresh');
});

test('errcodes map to kinds the caller can act on', async () => {
  const { api, refresh } = container();
  await refresh();
  const r = await api.sendCustomMessage({ touser: 'o_never_seen', msgtype: 'text', text: { content: 'hi' } });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.errcode, 40003);
  assert.equal(!r.ok && r.error.kind, 'bad-openid');
});

test('publishMenu sends the saved menu to /cgi-bin/menu/create and records it', async () => {
  const { api, refresh } = container();
  await refresh();
  const menus = dynamoMenuStore(table);
  const menu = {
    button: [
      { type: 'click' as const, name: '签到', key: 'SIGN_IN' },
      { name: '会员', sub_button: [{ type: 'click' as const, name: '我的账户', key: 'MY_ACCOUNT' }] },
    ],
  };
  await menus.put(menu, Date.now());
  const result = await publishMenu({ menus, api, clock: systemClock });
  assert.ok(result.ok);
  const got = await api.getMenu();
  assert.ok(got.ok);
  assert.deepEqual(
    got.value.menu?.button.map((b) => b.name),
    ['签到', '会员'],
  );
  assert.ok((await menus.get())?.publishedAt);
});
