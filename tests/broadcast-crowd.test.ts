import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchBroadcasts, dispatchPorts, sendPorts, sendQueue } from '../lib/app/broadcast';
import { containerApp } from '../lib/app/containerApp';
import type { App } from '../lib/app/createApp';
import type { Chunk, SendPorts } from '../lib/broadcast/sendChunk';
import { sendWorker } from '../handlers/broadcast-send';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { loadHandlers } from './support/handlers';
import { createTestQueue, lambdaPoller, waitFor, waitUntilDrained, type Poller, type TestQueue } from './support/localSqs';
import { seedMembers } from './support/members';
import { useTestTable } from './support/testTable';

// 10,000 members through the real queue (local-aws-sqs, the Lambda-like poller, four workers at
// once) and the sandbox's template API, while workers crash at the two dangerous points (right
// after a send, after a chunk went out but before it was settled), SQS delivers every chunk twice, and WeChat loses some answers after
// committing the send. Each eligible member must get the notice exactly once.
const MEMBERS = 10_000;
let sandbox: Sandbox;
let queue: TestQueue;
let worker: Poller;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let rt: App;
const crashes = { afterSend: 0, beforeSettling: 0 };

const once = new Set<string>();
const firstTime = (key: string) => {
  if (once.has(key)) return false;
  once.add(key);
  return true;
};

/** The real worker's ports with crashes (a thrown error, as when Lambda dies) at the dangerous points. */
function crashing(ports: SendPorts): SendPorts {
  return {
    ...ports,
    // Right after WeChat took a notice, before anything was written down.
    api: {
      ...ports.api,
      async sendTemplateMessage(msg) {
        const result = await ports.api.sendTemplateMessage(msg);
        if (msg.touser.endsWith('13') && firstTime(`send|${msg.touser}`)) {
          crashes.afterSend++;
          throw new Error('injected crash right after a send');
        }
        return result;
      },
    },
    // After a whole chunk went out, before its outcomes were settled.
    deliveries: {
      ...ports.deliveries,
      async finish(chunk, outcomes, token, ctx) {
        const first = outcomes[0]?.openid ?? '';
        if (first.endsWith('7') && firstTime(`finish|${first}`)) {
          crashes.beforeSettling++;
          throw new Error('injected crash after sending, before settling');
        }
        return ports.deliveries.finish(chunk, outcomes, token, ctx);
      },
    },
  };
}

before(async () => {
  sandbox = createSandbox({ jobEvents: false });
  await sandbox.listen(0);
  queue = await createTestQueue('send', { visibilityTimeoutSeconds: 2 });
  await useTestTable({ WECHAT_API_BASE: sandbox.url, SEND_QUEUE_URL: queue.url, BROADCAST_CLAIM_LEASE_MS: '2500' });
  handlers = await loadHandlers();
  rt = await containerApp();
  const ports = sendPorts(rt);
  const handler = sendWorker(() => ({ ports: crashing(ports), queue: sendQueue(rt) }));
  worker = lambdaPoller(queue.url, async (event) => handler(event), { batchSize: 10, concurrency: 4 });
});
after(async () => {
  await worker?.stop();
  await sandbox?.close();
});

test('a 10,000-member broadcast arrives exactly once per eligible member through crashes, duplicates and lost answers', { timeout: 420_000 }, async () => {
  const now = Date.now();
  const openids = Array.from({ length: MEMBERS }, (_, i) => `oCrowd${String(i).padStart(5, '0')}`);
  const unsubscribed = Array.from({ length: 50 }, (_, i) => `oGone${i}`);
  const otherLevel = Array.from({ length: 50 }, (_, i) => `oGold${i}`);
  await seedMembers(
    rt.table,
    [
      ...openids.map((openid) => ({ openid })),
      ...unsubscribed.map((openid) => ({ openid, subscribed: false })),
      ...otherLevel.map((openid) => ({ openid, level: '金卡' })),
    ],
    now,
  );
  for (let i = 0; i < openids.length; i += 5000) {
    const r = await fetch(`${sandbox.url}/sandbox/followers`, { method: 'POST', body: JSON.stringify({ openids: openids.slice(i, i + 5000) }) });
    assert.equal(r.status, 200, await r.text());
  }
  // WeChat commits 30 sends but the answers are lost: the worker must repeat them with the same client_msg_id.
  const fault = await fetch(`${sandbox.url}/sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ path: '/cgi-bin/message/template/send', kind: 'drop-after-commit', count: 30 }),
  });
  assert.equal(fault.status, 200, await fault.text());
  assert.equal((await handlers.admin('PUT', '/admin/send-policy', { ratePerSecond: 2000, massMonthlyQuota: 4 })).status, 200);

  const created = await handlers.admin('POST', '/admin/broadcasts', {
    name: '积分到期提醒',
    message: { channel: 'template', templateId: 'points-expiring', data: { thing1: '您的积分将于本月底到期', number2: '120' } },
    segment: { level: { in: ['普通'] } },
    sendAt: 'now',
    quietHours: null,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.warnings, []);
  const id: string = created.body.id;

  // SQS is at-least-once: every chunk is queued twice.
  const base = dispatchPorts(rt);
  const twice = { ...base, queue: { send: async (chunks: readonly Chunk[]) => base.queue.send([...chunks, ...chunks]) } };
  const dispatched = await dispatchBroadcasts(twice, 60_000);
  assert.equal(dispatched.queued[id], MEMBERS, 'unsubscribed members and other levels are not the audience');

  await waitFor(
    async () => {
      const p = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
      return p.status === 'done' ? true : JSON.stringify({ status: p.status, ...p.progress });
    },
    { timeoutMs: 330_000, intervalMs: 500, what: 'the broadcast to finish' },
  );
  await waitUntilDrained(queue.url, { timeoutMs: 30_000 });

  const got = new Map<string, number>();
  for (const e of sandbox.state.inbox) if (e.channel === 'template') got.set(e.openid, (got.get(e.openid) ?? 0) + 1);
  const twiceOrMore = [...got].filter(([, n]) => n > 1);
  assert.deepEqual(twiceOrMore, [], 'nobody got the notice twice');
  assert.equal(openids.filter((o) => got.get(o) === 1).length, MEMBERS, 'every eligible member got it');
  assert.equal([...unsubscribed, ...otherLevel].filter((o) => got.has(o)).length, 0);

  const view = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
  assert.deepEqual(
    {
      audience: view.progress.audience,
      sent: view.progress.sent,
      sentBy: view.progress.sentBy,
      skipped: view.progress.skipped,
      failed: view.progress.failed,
      pending: view.progress.pending,
      percent: view.progress.percent,
    },
    {
      audience: MEMBERS,
      sent: MEMBERS,
      sentBy: { template: MEMBERS },
      skipped: {},
      failed: {},
      pending: 0,
      percent: 100,
    },
  );
  assert.ok(crashes.afterSend > 5 && crashes.beforeSettling > 5, `crashes were injected (${JSON.stringify(crashes)})`);
  assert.ok(worker.delivered.length >= 2 * view.expansion.chunks, 'every chunk was delivered at least twice');
});
