import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import { fail, ok, type ApiResult } from '../wechat/apiResult';
import type { Result } from '../result';
import { menuSchema } from './menu';
import type { MenuStore, StoredMenu } from './menuStore';
import { publishSavedMenu, savedMenu } from './publishSavedMenu';

function memoryMenus(): MenuStore & { stored?: StoredMenu } {
  const store: MenuStore & { stored?: StoredMenu } = {
    get: async () => store.stored,
    put: async (menu, nowMs) => (store.stored = { menu, updatedAt: new Date(nowMs).toISOString() }),
    markPublished: async (nowMs) => {
      store.stored = { ...store.stored!, publishedAt: new Date(nowMs).toISOString() };
    },
  };
  return store;
}

const menu = menuSchema.parse({ button: [{ type: 'click', name: '签到', key: 'SIGN_IN' }] });
const kindOf = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.kind);
const clock = fixedClock(Date.parse('2026-12-02T03:00:00Z'));

test('nothing saved: no menu to read, and publishing is a conflict', async () => {
  const menus = memoryMenus();
  assert.deepEqual(await savedMenu({ menus }), { ok: false, error: { kind: 'not-found', message: 'no menu saved yet' } });
  const r = await publishSavedMenu({ menus, api: async () => ({ createMenu: async () => ok(undefined) }), clock });
  assert.ok(!r.ok);
  assert.equal(r.error.kind, 'conflict');
  assert.deepEqual(r.error.details, { errcode: 46003 });
});

test('what WeChat refuses decides the kind: out of reach is upstream, a bad menu is invalid; success marks it published', async () => {
  const menus = memoryMenus();
  await menus.put(menu, clock.now());
  const answering = (result: ApiResult<void>) => ({ menus, clock, api: async () => ({ createMenu: async () => result }) });
  const busy = await publishSavedMenu(answering(fail(-1, 'system error')));
  assert.deepEqual(busy, { ok: false, error: { kind: 'upstream', message: 'WeChat refused the menu: system error', details: { errcode: -1 } } });
  assert.equal(kindOf(await publishSavedMenu(answering(fail(40001, 'invalid credential')))), 'upstream');
  const bad = await publishSavedMenu(answering(fail(40016, 'invalid button size')));
  assert.deepEqual(bad, { ok: false, error: { kind: 'invalid', message: 'WeChat refused the menu: invalid button size', details: { errcode: 40016 } } });
  assert.equal(menus.stored?.publishedAt, undefined);
  assert.deepEqual(await publishSavedMenu(answering(ok(undefined))), { ok: true, value: { published: true } });
  assert.equal(menus.stored?.publishedAt, '2026-12-02T03:00:00.000Z');
});
