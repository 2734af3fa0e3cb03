import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readConfig } from '../config/config';
import { adminRoutes } from './adminApi';
import { createApp } from './createApp';

const env = (over: Record<string, string> = {}) => ({ WECHAT_APPID: 'wx1234567890abcdef', WECHAT_TOKEN: 't', ...over });

test('two apps from two configurations live side by side, each with its own caches', () => {
  const a = createApp(readConfig(env({ TABLE_NAME: 'a', WECHAT_API_BASE: 'http://127.0.0.1:9/a' })));
  const b = createApp(readConfig(env({ TABLE_NAME: 'b', WECHAT_API_BASE: 'http://127.0.0.1:9/b' })));
  assert.deepEqual([a.table.name, b.table.name], ['a', 'b']);
  assert.notEqual(a.wechatApi, b.wechatApi);
  assert.equal(adminRoutes(a), adminRoutes(a), 'made once per app');
  assert.notEqual(adminRoutes(a), adminRoutes(b));
  let built = 0;
  const build = () => ++built;
  assert.deepEqual([a.once(build), a.once(build), b.once(build)], [1, 1, 2]);
});

test('work for a queue the configuration does not name fails loudly instead of running here', async () => {
  const app = createApp(readConfig(env({ PAYOUT_QUEUE_URL: 'http://127.0.0.1:9/000000000000/p' })));
  assert.equal(app.config.queues.payout, 'http://127.0.0.1:9/000000000000/p');
  await assert.rejects(app.queues.importJobs.send([{ jobId: 'j1' }]), /no queue configured for import jobs/);
  await assert.rejects(app.queues.sendChunks.send([{ broadcastId: 'b', shard: 0, openids: ['o'] }]), /no queue configured for broadcast chunks/);
  await assert.rejects(app.queues.roundClose.send([{ campaignId: 'c', day: '2026-12-01' }]), /no queue configured for emptied rounds/);
});

test('a token refresh goes to the token-refresh function, never to WeChat from here', async () => {
  const app = createApp(readConfig(env()));
  const r = await app.requestTokenRefresh('stale');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error.errmsg : '', /no token refresher configured/);
});
