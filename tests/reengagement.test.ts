import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { crmPorts } from '../lib/app/crm';
import { reengagePorts } from '../lib/app/reengage';
import { signIn } from '../lib/signin/signIn';
import { containerApp } from '../lib/app/containerApp';
import type { App } from '../lib/app/createApp';
import { businessDay } from '../lib/clock/timeZone';
import { addDays } from '../lib/coupons/validity';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { expiryMarker } from '../lib/table';
import { serviceEventIndex } from '../lib/table';
import { runReengagement } from '../lib/reengage/runReengagement';
import { batchWriteAll } from '../lib/store/batchWrite';
import type { Sandbox } from '../sandbox/server';
import { seedMembers } from './support/members';
import { startStack, type Stack } from './support/stack';

// Rules turn real service events into notices through the sandbox; a member who comes back within
// the attribution window (a real push through the callback) counts as re-engaged, once.
const DAY = 86_400_000;
const SH = 'Asia/Shanghai';
let stack: Stack;
let sandbox: Sandbox;
let handlers: Stack['handlers'];
let rt: App;

before(async () => {
  stack = await startStack({ sandbox: { jobEvents: false } });
  ({ sandbox, handlers } = stack);
  rt = await containerApp();
});
after(() => stack?.close());

const notices = (openid: string) => sandbox.state.inboxOf(openid).filter((e) => e.direction === 'in' && (e.channel === 'template' || e.channel === 'custom'));
const template = (thing1: string) => ({ templateId: 'service-notice', data: { thing1 } });
const rule = (over: Record<string, unknown>) => ({ name: 'r', runAt: '00:00', notice: { text: 'x', template: template('x') }, ...over });

async function putRules(rules: unknown[]) {
  const r = await handlers.admin('PUT', '/admin/reengagement-rules', { rules });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}
/** One run of the minute schedule's re-engagement step, as if it were `atMs`. */
const runAt = (atMs: number) => runReengagement({ ...reengagePorts(rt), clock: { now: () => atMs } }, 30_000);
const report = async (id: string) => (await handlers.admin('GET', `/admin/reengagement-rules/${id}/report`)).body;
async function followers(openids: string[], over: Record<string, unknown> = {}) {
  await seedMembers(
    rt.table,
    openids.map((openid) => ({ openid, ...over })),
    Date.now(),
  );
  await fetch(`${sandbox.url}/sandbox/followers`, { method: 'POST', body: JSON.stringify({ openids }) });
}

test('rules are validated: a dormancy touch needs a benefit and at least 14 days between touches', async () => {
  const bad = await handlers.admin('PUT', '/admin/reengagement-rules', {
    rules: [rule({ id: 'dormant', trigger: { type: 'dormant', days: 14 }, cooldownDays: 7 })],
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path).sort(), ['rules.0.benefit', 'rules.0.cooldownDays']);
  const twice = await handlers.admin('PUT', '/admin/reengagement-rules', {
    rules: [rule({ id: 'a', trigger: { type: 'levelChanged' } }), rule({ id: 'a', trigger: { type: 'levelChanged' } })],
  });
  assert.equal(twice.status, 400);
  assert.match(twice.body.error, /rule id a is used twice/);
  assert.equal((await handlers.admin('GET', '/admin/reengagement-rules/nope/report')).status, 404);
});

test('dormant members get points and a notice once per cooldown; one who comes back inside the window counts as re-engaged', async () => {
  const now = Date.now();
  const dormant = ['dz-a', 'dz-b', 'dz-c'];
  await followers(dormant, { tags: ['dz'], lastInteractionAt: new Date(now - 20 * DAY).toISOString() });
  await followers(['dz-active'], { tags: ['dz'], lastInteractionAt: new Date(now - 2 * DAY).toISOString() });
  await followers(['dz-gone'], { tags: ['dz'], subscribed: false, lastInteractionAt: new Date(now - 20 * DAY).toISOString() });
  await putRules([
    rule({
      id: 'come-back',
      name: '回访',
      trigger: { type: 'dormant', days: 14 },
      segment: { tag: 'dz' },
      benefit: { points: 50 },
      cooldownDays: 14,
      attributionDays: 7,
      notice: { text: '好久不见，送你{points}积分', template: template('回访礼：{points}积分已到账') },
    }),
  ]);
  const runs = await runAt(now);
  assert.deepEqual(
    runs.map((r) => ({ rule: r.rule, sent: r.sent, done: r.done })),
    [{ rule: 'come-back', sent: 3, done: true }],
  );
  for (const o of dormant) {
    assert.deepEqual(
      notices(o).map((e) => e.data?.thing1?.value),
      ['回访礼：50积分已到账'],
      `${o} is outside the window: a template notice`,
    );
    assert.equal((await dynamoMemberStore(rt.table).get(o))?.points, 50);
  }
  assert.equal(notices('dz-active').length + notices('dz-gone').length, 0);

  assert.deepEqual((await runAt(now + 60_000)).length, 0, 'the day’s run is done');
  assert.equal((await runAt(now + 5 * DAY))[0]?.sent, 0, 'inside the 14-day cooldown nobody is touched again');
  assert.equal(notices('dz-a').length, 1);

  // dz-a comes back (a real message through the callback) — twice; it counts once.
  for (const text of ['我回来了', '再来'])
    await fetch(`${sandbox.url}/sandbox/followers/dz-a/messages`, { method: 'POST', body: JSON.stringify({ type: 'text', content: text }) });
  assert.deepEqual(await report('come-back'), { rule: 'come-back', attributionDays: 7, sent: 3, failed: 0, skipped: 0, reengaged: 1, rate: 0.333 });
  const today = businessDay(Date.now(), SH);
  const [day] = (await handlers.admin('GET', '/admin/stats/daily', undefined, { query: { from: today, to: today } })).body.days;
  assert.ok(day.reengagementSent >= 3 && day.reengaged >= 1, `the daily numbers count notices and comebacks (${JSON.stringify(day)})`);
});

test('the attribution window closes: coming back after it does not count', async () => {
  const now = Date.now();
  await followers(['late-a'], { tags: ['late'], lastInteractionAt: new Date(now - 30 * DAY).toISOString() });
  await putRules([
    rule({
      id: 'late',
      trigger: { type: 'dormant', days: 14 },
      segment: { tag: 'late' },
      benefit: { points: 10 },
      cooldownDays: 14,
      attributionDays: 2,
      notice: { text: 't', template: template('t') },
    }),
  ]);
  assert.equal((await runAt(now - 3 * DAY))[0]?.sent, 1, 'touched three days ago');
  await fetch(`${sandbox.url}/sandbox/followers/late-a/messages`, { method: 'POST', body: JSON.stringify({ type: 'text', content: 'hi' }) });
  assert.equal((await report('late')).reengaged, 0);
});

test('service events become notices: points expiring in 7 days, a coupon expiring tomorrow, a level change, an unclaimed wallet', async () => {
  const now = Date.now();
  const today = businessDay(now, SH);
  const in7 = addDays(today, 7);
  await followers(['ev-points'], { points: 300 });
  await batchWriteAll(rt.table, [
    {
      PutRequest: {
        Item: {
          pk: 'MEMBER#ev-points',
          sk: 'PROFILE',
          openid: 'ev-points',
          subscribed: true,
          points: 300,
          pointLots: { [in7]: 120, [addDays(today, 90)]: 180 },
          level: '普通',
          tags: [],
          firstSeenAt: '2026-01-01T00:00:00Z',
          lastInteractionAt: new Date(now - DAY).toISOString(),
        },
      },
    },
    { PutRequest: { Item: expiryMarker(in7, 'ev-points') } },
  ]);
  await followers(['ev-coupon', 'ev-level', 'ev-wallet', 'ev-wallet-small']);
  assert.equal((await handlers.admin('POST', '/admin/coupon-templates', { id: 'tea', title: '免费奶茶', validity: { type: 'days', days: 2 } })).status, 201);
  assert.equal((await handlers.admin('POST', '/admin/members/ev-coupon/coupons', { templateId: 'tea', idempotencyKey: 'give-tea' })).status, 201);
  assert.equal((await handlers.admin('POST', '/admin/members/ev-level/points', { delta: 600, reason: '消费', idempotencyKey: 'buy-1' })).status, 201);
  const credited = new Date(now - 3.5 * DAY).toISOString();
  await batchWriteAll(rt.table, [
    {
      PutRequest: {
        Item: {
          pk: 'MEMBER#ev-wallet',
          sk: 'WALLET',
          openid: 'ev-wallet',
          balanceFen: 880,
          updatedAt: credited,
          ...serviceEventIndex('WALLETCREDIT', 'ev-wallet', credited),
        },
      },
    },
    {
      PutRequest: {
        Item: {
          pk: 'MEMBER#ev-wallet-small',
          sk: 'WALLET',
          openid: 'ev-wallet-small',
          balanceFen: 50,
          updatedAt: credited,
          ...serviceEventIndex('WALLETCREDIT', 'ev-wallet-small', credited),
        },
      },
    },
  ]);
  await putRules([
    rule({
      id: 'points',
      trigger: { type: 'pointsExpiring', withinDays: 7 },
      notice: { text: '{points} 积分将于 {date} 到期', template: template('{points} 积分将于 {date} 到期') },
    }),
    rule({ id: 'coupon', trigger: { type: 'couponExpiring', withinDays: 1 }, notice: { text: '{coupon} 明天到期', template: template('{coupon} 明天到期') } }),
    rule({ id: 'level', trigger: { type: 'levelChanged' }, notice: { text: '恭喜升级为{level}', template: template('恭喜升级为{level}') } }),
    rule({
      id: 'wallet',
      trigger: { type: 'walletUnclaimed', afterDays: 3, minFen: 100 },
      notice: { text: '钱包还有 {balance} 元', template: template('钱包还有 {balance} 元待领取') },
    }),
  ]);
  const at = Date.now(); // after the level change above
  const runs = await runAt(at);
  assert.deepEqual(Object.fromEntries(runs.map((r) => [r.rule, r.sent])), { points: 1, coupon: 1, level: 1, wallet: 1 });
  const first = (o: string) => notices(o).map((e) => e.data?.thing1?.value);
  assert.deepEqual(first('ev-points'), [`120 积分将于 ${in7} 到期`]);
  assert.deepEqual(first('ev-coupon'), ['免费奶茶 明天到期']);
  assert.deepEqual(first('ev-level'), ['恭喜升级为银卡']);
  assert.deepEqual(first('ev-wallet'), ['钱包还有 8.80 元待领取']);
  assert.equal(notices('ev-wallet-small').length, 0, 'below the threshold');
  // A minute later the level change is not told again (its notice left the index), daily rules are done.
  assert.deepEqual(
    (await runAt(at + 60_000)).map((r) => [r.rule, r.candidates]),
    [['level', 0]],
  );
});

test('a sign-in streak about to break: signed in yesterday (three days running), not yet today', async () => {
  const now = Date.now();
  await followers(['streak-a', 'streak-b', 'streak-c']);
  const crm = crmPorts(rt);
  const on = (daysAgo: number) => ({ ...crm, clock: { now: () => now - daysAgo * DAY } });
  for (const d of [3, 2, 1]) assert.equal((await signIn(on(d), 'streak-a')).status, 'signed-in');
  for (const d of [2, 1]) await signIn(on(d), 'streak-b'); // a streak of 2: below the rule's 3
  for (const d of [3, 2, 1, 0]) await signIn(on(d), 'streak-c'); // already signed in today
  await putRules([
    rule({
      id: 'streak',
      trigger: { type: 'streakAtRisk', minStreak: 3 },
      notice: { text: '已连续签到 {streak} 天，今天签到就是第 {next} 天', template: template('连续签到 {streak} 天，今天别忘了签到') },
    }),
  ]);
  const runs = await runAt(now);
  assert.deepEqual(
    runs.map((r) => [r.rule, r.candidates, r.sent]),
    [['streak', 1, 1]],
  );
  assert.deepEqual(
    notices('streak-a').map((e) => e.data?.thing1?.value),
    ['连续签到 3 天，今天别忘了签到'],
  );
});
