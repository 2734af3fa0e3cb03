import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchBroadcasts, dispatchPorts, sendPorts } from '../lib/app/broadcast';
import { containerApp } from '../lib/app/containerApp';
import type { App } from '../lib/app/createApp';
import { dynamoDeliveryStore } from '../lib/broadcast/dynamoDeliveryStore';
import { sendChunk, type Chunk } from '../lib/broadcast/sendChunk';
import { shardOf } from '../lib/segments/shard';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { WorkQueue } from '../lib/queue/queue';
import type { Sandbox } from '../sandbox/server';
import { drained } from './support/localAws';
import { waitFor } from './support/localSqs';
import { seedMembers } from './support/members';
import type { AdminCall } from './support/handlers';
import { startStack, type Stack } from './support/stack';
import { postToSandbox } from './support/sandboxCalls';

// The channel rules, caps, quotas, quiet hours and holds, through the admin API, the real worker and
// the sandbox (which enforces WeChat's rules on its side), with the callback receiving job reports.
let stack: Stack;
let sandbox: Sandbox;
let handlers: Stack['handlers'];
let rt: App;

before(async () => {
  stack = await startStack();
  ({ sandbox, handlers } = stack);
  rt = await containerApp();
  assert.equal((await handlers.admin('PUT', '/admin/send-policy', { ratePerSecond: 500, massMonthlyQuota: 4 })).status, 200);
});
after(() => stack?.close());

const sandboxPost = (path: string, body: unknown) => postToSandbox(sandbox, path, body);
const say = (openid: string, text: string) => sandboxPost(`/sandbox/followers/${openid}/messages`, { type: 'text', content: text });
const inbox = (openid: string, channel?: string) => sandbox.state.inboxOf(openid).filter((e) => e.direction === 'in' && (!channel || e.channel === channel));

/** Members in our table and followers in the sandbox, without pushes (they last interacted days ago). */
async function followers(openids: string[], tag: string) {
  await seedMembers(
    rt.table,
    openids.map((openid) => ({ openid, tags: [tag], lastInteractionAt: new Date(Date.now() - 5 * 86_400_000).toISOString() })),
    Date.now(),
  );
  await sandboxPost('/sandbox/followers', { openids });
}

async function broadcast(body: Record<string, unknown>): Promise<string> {
  const r = await handlers.admin('POST', '/admin/broadcasts', { sendAt: 'now', quietHours: null, ...body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

/** The minute schedule, run now, and the send worker through the chunks it queued. */
async function dispatchAndView(id: string) {
  const { handler: handleDispatch } = await import('../handlers/broadcast-dispatch');
  await handleDispatch({});
  await drained();
  return (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
}

test('bad broadcasts are refused with the field named; marketing wording in a notice is warned about', async () => {
  const past = await handlers.admin('POST', '/admin/broadcasts', {
    message: { channel: 'custom', text: 'hi' },
    segment: { tag: 'x' },
    sendAt: '2020-01-01T09:00',
  });
  assert.equal(past.status, 400);
  assert.match(past.body.error, /^sendAt: .*in the past/);
  const channel = await handlers.admin('POST', '/admin/broadcasts', { message: { channel: 'sms', text: 'hi' }, segment: { tag: 'x' }, sendAt: 'now' });
  assert.equal(channel.status, 400);
  assert.equal(channel.body.issues[0].path, 'message.channel');
  const segment = await handlers.admin('POST', '/admin/broadcasts', { message: { channel: 'custom', text: 'hi' }, segment: { colour: 'red' }, sendAt: 'now' });
  assert.equal(segment.status, 400);
  assert.match(segment.body.error, /^segment\.colour: unknown segment key/);
  assert.equal((await handlers.admin('GET', '/admin/broadcasts/bnope')).status, 404);
  const schema = await handlers.admin('GET', '/admin/schemas/broadcast');
  assert.ok(schema.body.properties.message && schema.body.properties.quietHours);

  const ad = await handlers.admin('POST', '/admin/broadcasts', {
    message: { channel: 'template', templateId: 't', data: { thing1: '双十二大促，全场限时折扣' } },
    segment: { tag: 'x' },
    sendAt: '2099-01-01T09:00',
  });
  assert.equal(ad.status, 201);
  assert.equal(ad.body.status, 'scheduled');
  assert.deepEqual(
    ad.body.warnings.map((w: { path: string }) => w.path),
    ['message.data.thing1'],
  );
  assert.equal((await handlers.admin('GET', '/admin/broadcasts')).body.broadcasts[0].id, ad.body.id, 'the list is newest first');
});

test('customer-service broadcasts: inside the window sent, outside skipped, 43004 unsubscribes, 40003 flags; a notice for the rest when allowed, and its delivery report counted', async () => {
  const [inside, outside, gone, ghost] = ['cs-inside', 'cs-outside', 'cs-gone', 'cs-ghost'];
  await followers([inside, outside, gone], 'cs');
  // ghost talked to us an hour ago, but WeChat does not know the openid.
  await seedMembers(rt.table, [{ openid: ghost, tags: ['cs'], lastMessageAt: new Date(Date.now() - 3_600_000).toISOString() }], Date.now());
  await say(inside, '你好'); // real pushes through the callback open the 48-hour window
  await say(gone, '你好');
  sandbox.state.followers.get(gone)!.subscribed = false; // then unfollowed, and the unsubscribe push never reached us

  const id = await broadcast({ message: { channel: 'custom', text: '您预约的门店明天营业时间有变' }, segment: { tag: 'cs' } });
  const view = await dispatchAndView(id);
  assert.equal(view.status, 'done');
  assert.deepEqual(
    {
      audience: view.progress.audience,
      sentBy: view.progress.sentBy,
      skipped: view.progress.skipped,
      failed: view.progress.failed,
      percent: view.progress.percent,
    },
    {
      audience: 4,
      sentBy: { custom: 1 },
      skipped: { 'outside-window': 1, unsubscribed: 1 },
      failed: { 40003: 1 },
      percent: 100,
    },
  );
  assert.equal(inbox(inside, 'custom').at(-1)?.content, '您预约的门店明天营业时间有变');
  assert.equal(inbox(outside).length, 0);
  const members = dynamoMemberStore(rt.table);
  assert.equal((await members.get(ghost))?.openidFlagged, true, '40003 flags the openid');
  assert.equal((await members.get(gone))?.subscribed, false, '43004 marks the member unsubscribed');

  // The same message with a notice for those outside the window; flagged and unsubscribed members get nothing.
  const before = (await members.get(outside))!.lastInteractionAt;
  const id2 = await broadcast({
    message: {
      channel: 'custom',
      text: '门店营业时间有变',
      outsideWindow: { templateId: 'store-notice', data: { thing1: '门店营业时间调整', time2: '12月1日' } },
    },
    segment: { tag: 'cs' },
  });
  const view2 = await dispatchAndView(id2);
  assert.deepEqual(
    { audience: view2.progress.audience, sentBy: view2.progress.sentBy, skipped: view2.progress.skipped },
    { audience: 3, sentBy: { custom: 1, template: 1 }, skipped: { 'flagged-openid': 1 } },
  );
  assert.equal(inbox(outside, 'template').length, 1);
  // WeChat reports the notice's delivery to the callback (TEMPLATESENDJOBFINISH); it counts once.
  await waitFor(
    async () => {
      const v = (await handlers.admin('GET', `/admin/broadcasts/${id2}`)).body;
      return v.progress.delivered === 1 ? true : `delivered ${v.progress.delivered}`;
    },
    { what: 'the delivery report' },
  );
  assert.equal((await members.get(outside))!.lastInteractionAt, before, 'a job report is not the member interacting');
});

test('a mass send reaches a follower at most 4 times a month; a frequency cap skips members with enough recent broadcasts', async () => {
  const ids = ['mass-a', 'mass-b', 'mass-c'];
  await followers(ids, 'mass');
  const views: AdminCall['body'][] = [];
  for (let i = 1; i <= 5; i++)
    views.push(await dispatchAndView(await broadcast({ message: { channel: 'mass', text: `第${i}期会员月刊` }, segment: { tag: 'mass' } })));
  assert.deepEqual(
    views.map((v) => v.progress.sentBy.mass ?? 0),
    [3, 3, 3, 3, 0],
  );
  assert.deepEqual(views[4].progress.skipped, { 'mass-quota': 3 });
  assert.deepEqual(
    inbox('mass-a', 'mass').map((e) => e.content),
    ['第1期会员月刊', '第2期会员月刊', '第3期会员月刊', '第4期会员月刊'],
  );
  // WeChat's MASSSENDJOBFINISH for the first send reaches the callback and counts its deliveries once.
  await waitFor(
    async () => {
      const v = (await handlers.admin('GET', `/admin/broadcasts/${views[0].id}`)).body;
      return v.progress.delivered === 3 ? true : `delivered ${v.progress.delivered}`;
    },
    { what: 'the mass send report' },
  );

  const capped = await dispatchAndView(
    await broadcast({
      message: { channel: 'template', templateId: 't', data: { thing1: '积分变动' } },
      segment: { tag: 'mass' },
      frequencyCap: { max: 4, days: 7 },
    }),
  );
  assert.deepEqual(capped.progress.skipped, { 'frequency-cap': 3 }, 'four broadcasts this week already');
  const roomy = await dispatchAndView(
    await broadcast({
      message: { channel: 'template', templateId: 't', data: { thing1: '积分变动' } },
      segment: { tag: 'mass' },
      frequencyCap: { max: 5, days: 7 },
    }),
  );
  assert.deepEqual(roomy.progress.sentBy, { template: 3 });
});

test('a delivery report that comes before the worker settled its chunk is parked and counted once by the settle', async () => {
  const store = dynamoDeliveryStore(rt.table);
  const now = Date.now();
  const month = '2026-11';
  const report = { msgid: 'early-t1', openid: 'early-a', months: [month], ok: 1, failed: 0, status: 'success' };
  assert.equal(await store.recordJobFinished(report, now), 'parked');
  assert.equal(await store.recordJobFinished(report, now), 'parked', "WeChat's retry of the push parks nothing new");
  const massReport = { msgid: 'early-m1', openid: 'early-a', months: [], ok: 2, failed: 1, status: 'send success' };
  assert.equal(await store.recordJobFinished(massReport, now), 'parked');

  const ctx = { nowMs: now, leaseMs: 60_000, month };
  await store.finish(
    { broadcastId: 'early-t', shard: shardOf('early-a') },
    [{ openid: 'early-a', claimed: false, state: 'sent', channel: 'template', msgid: 'early-t1' }],
    'token',
    ctx,
  );
  await store.finish(
    { broadcastId: 'early-m', shard: shardOf('early-b') },
    ['early-b', 'early-c', 'early-d'].map((openid) => ({ openid, claimed: false, state: 'sent' as const, channel: 'mass' as const })),
    'token',
    { ...ctx, massMsgid: 'early-m1' },
  );
  assert.deepEqual(await store.counters('early-t'), { 'sent.template': 1, delivered: 1, deliveryFailed: 0 });
  assert.deepEqual(await store.counters('early-m'), { 'sent.mass': 3, delivered: 2, deliveryFailed: 1 });
  // Late copies of the same reports count nothing more.
  assert.equal(await store.recordJobFinished(report, now), 'already');
  assert.equal(await store.recordJobFinished(massReport, now), 'already');
  assert.deepEqual(await store.counters('early-t'), { 'sent.template': 1, delivered: 1, deliveryFailed: 0 });
});

test('quiet hours hold a due broadcast until 08:00 in the account zone; a later sendAt waits for its time', async () => {
  await followers(['quiet-a'], 'quiet');
  const id = await broadcast({
    message: { channel: 'template', templateId: 't', data: { thing1: '订单已发货' } },
    segment: { tag: 'quiet' },
    sendAt: '2099-03-01T23:00',
    quietHours: { start: '22:00', end: '08:00' },
  });
  const b = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
  assert.equal(b.sendAt, '2099-03-01T15:00:00.000Z', '23:00 in Shanghai');
  const at = (iso: string) => ({ ...dispatchPorts(rt), clock: { now: () => Date.parse(iso) } });
  assert.deepEqual((await dispatchBroadcasts(at('2099-03-01T14:59:00Z'), 30_000)).queued, {}, 'not due yet');
  const held = await dispatchBroadcasts(at('2099-03-01T15:00:30Z'), 30_000);
  assert.deepEqual(held.held, [id]);
  assert.equal((await handlers.admin('GET', `/admin/broadcasts/${id}`)).body.dueAt, '2099-03-02T00:00:00.000Z', 'held until 08:00 Shanghai');
  assert.deepEqual((await dispatchBroadcasts(at('2099-03-01T23:59:00Z'), 30_000)).queued, {});
  const sent = await dispatchBroadcasts(at('2099-03-02T00:00:00Z'), 30_000);
  assert.equal(sent.queued[id], 1);
});

test('45009 holds the broadcast until tomorrow and it resumes then; cancel stops what has not gone', async () => {
  const ids = Array.from({ length: 8 }, (_, i) => `quota-${i}`);
  await followers(ids, 'quota');
  await sandboxPost('/sandbox/limits', { templateDailyQuota: sandbox.limits.templatesToday() + 5 });
  let offset = 0;
  const ports = { ...sendPorts(rt), clock: { now: () => Date.now() + offset } };
  const held: Chunk[] = [];
  const queue: WorkQueue<Chunk> = { send: async (chunks) => void held.push(...chunks) };
  const id = await broadcast({ message: { channel: 'template', templateId: 't', data: { thing1: '积分到账' } }, segment: { tag: 'quota' } });
  await dispatchBroadcasts({ ...dispatchPorts(rt), queue }, 30_000);
  const chunks = held.splice(0);
  const results = [];
  for (const c of chunks) results.push(await sendChunk(ports, c));
  assert.ok(results.some((r) => r.kind === 'hold'));
  const v = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
  assert.equal(v.status, 'held');
  assert.equal(v.progress.sent, 5);
  assert.equal(Date.parse(v.holdUntil) % 86_400_000, 16 * 3_600_000, 'until midnight in Shanghai (16:00 UTC)');

  // Tomorrow: WeChat's quota is fresh, and the same chunks finish the job, nobody twice.
  await sandboxPost('/sandbox/limits', { templateDailyQuota: 100_000 });
  offset = Date.parse(v.holdUntil) - Date.now() + 1000;
  for (const c of chunks) assert.equal((await sendChunk(ports, c)).kind, 'done');
  const done = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
  assert.deepEqual({ status: done.status, sent: done.progress.sent }, { status: 'done', sent: 8 });
  assert.ok(ids.every((o) => inbox(o, 'template').filter((e) => e.data?.thing1?.value === '积分到账').length === 1));

  // A held broadcast cancelled: the rest never goes out and shows as cancelled.
  await sandboxPost('/sandbox/limits', { templateDailyQuota: sandbox.limits.templatesToday() + 3 });
  offset = 0;
  const id2 = await broadcast({ message: { channel: 'template', templateId: 't', data: { thing1: '积分过期提醒' } }, segment: { tag: 'quota' } });
  await dispatchBroadcasts({ ...dispatchPorts(rt), queue }, 30_000);
  const chunks2 = held.splice(0);
  for (const c of chunks2) await sendChunk(ports, c);
  const cancelled = await handlers.admin('POST', `/admin/broadcasts/${id2}/cancel`);
  assert.equal(cancelled.status, 200);
  assert.deepEqual(
    { status: cancelled.body.status, sent: cancelled.body.progress.sent, skipped: cancelled.body.progress.skipped, pending: cancelled.body.progress.pending },
    { status: 'cancelled', sent: 3, skipped: { cancelled: 5 }, pending: 0 },
  );
  await sandboxPost('/sandbox/limits', { templateDailyQuota: 100_000 });
  offset = Date.parse(v.holdUntil) - Date.now() + 1000;
  for (const c of chunks2)
    assert.equal(
      (
        await sendChunk(
          {
            ...ports,
            broadcasts: { ...ports.broadcasts, get: (x) => import('../lib/broadcast/broadcastStore').then((m) => m.dynamoBroadcastStore(rt.table).get(x)) },
          },
          c,
        )
      ).kind,
      'done',
    );
  assert.equal(ids.flatMap((o) => inbox(o, 'template').filter((e) => e.data?.thing1?.value === '积分过期提醒')).length, 3, 'nothing more after the cancel');
  assert.equal((await handlers.admin('POST', `/admin/broadcasts/${id}/cancel`)).status, 409, 'a finished broadcast cannot be cancelled');
});

test('preview sends to test openids only, on the channel each would get, and counts nothing', async () => {
  await followers(['prev-a', 'prev-b'], 'prev');
  const id = await broadcast({
    message: { channel: 'template', templateId: 't', data: { thing1: '预览' } },
    segment: { tag: 'prev' },
    sendAt: '2099-01-01T10:00',
  });
  const r = await handlers.admin('POST', `/admin/broadcasts/${id}/preview`, { openids: ['prev-a'] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.results, [{ openid: 'prev-a', channel: 'template', result: 'sent' }]);
  assert.equal(inbox('prev-a', 'template').length, 1);
  assert.equal(inbox('prev-b').length, 0);
  const v = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
  assert.deepEqual({ status: v.status, sent: v.progress.sent }, { status: 'scheduled', sent: 0 });
  assert.equal((await handlers.admin('POST', `/admin/broadcasts/${id}/preview`, { openids: [] })).status, 400);
  // A mass message previews through WeChat's mass/preview: no quota used, nothing counted.
  const mass = await broadcast({ message: { channel: 'mass', text: '十二月会员月刊' }, segment: { tag: 'prev' }, sendAt: '2099-01-01T10:00' });
  const m = await handlers.admin('POST', `/admin/broadcasts/${mass}/preview`, { openids: ['prev-b'] });
  assert.deepEqual(m.body.results, [{ openid: 'prev-b', channel: 'mass', result: 'sent' }]);
  assert.deepEqual(
    inbox('prev-b', 'mass').map((e) => e.content),
    ['十二月会员月刊'],
  );
  assert.equal(sandbox.limits.massReceivedThisMonth('prev-b'), 0);
});

test('a busy WeChat is retried; a customer-service message whose answer was lost is not sent again', async () => {
  await followers(['flaky-a', 'flaky-b'], 'flaky');
  await say('flaky-a', 'hi');
  await say('flaky-b', 'hi');
  await sandboxPost('/sandbox/faults', { path: '/cgi-bin/message/custom/send', kind: 'busy', count: 1, openid: 'flaky-a' });
  await sandboxPost('/sandbox/faults', { path: '/cgi-bin/message/custom/send', kind: 'drop-after-commit', count: 1, openid: 'flaky-b' });
  const v = await dispatchAndView(await broadcast({ message: { channel: 'custom', text: '会员日快乐' }, segment: { tag: 'flaky' } }));
  assert.deepEqual({ sentBy: v.progress.sentBy, skipped: v.progress.skipped }, { sentBy: { custom: 1 }, skipped: { 'outcome-unknown': 1 } });
  assert.equal(inbox('flaky-a', 'custom').length, 1, 'busy (-1) was retried once it passed');
  assert.equal(inbox('flaky-b', 'custom').length, 1, 'the lost answer was not followed by a second copy');
});
