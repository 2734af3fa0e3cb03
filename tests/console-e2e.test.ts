import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { businessDay } from '../lib/clock/timeZone';
import { dynamoStatsStore } from '../lib/stats/dynamoStatsStore';
import type { Sandbox } from '../sandbox/server';
import { drained } from './support/localAws';
import { assertAccessible } from './support/accessibility';
import { startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';
import { eventXml, pushEvent } from './support/pushes';
import { TEST_CONFIG } from './support/testTable';
import type { AutoreplyRule } from '../console/src/types';

// The operator console in headless Chromium (tests/support/consoleStack.ts: the built files and the
// real admin API on one origin, as serverless-offline serves them on :3000). Today's numbers come
// from real pushes through the callback handler; the days before from the stats store.
// SCREENSHOTS=1 refreshes docs/console-dashboard.png, console-phone.png and console-autoreplies.png
// (the other pages' screenshots come from their own test files).
const TZ = TEST_CONFIG.ACCOUNT_TIME_ZONE;
let stack: ConsoleStack;
let server: { url: string };
let sandbox: Sandbox;
let page: Page;
let today: string;
const follower = `o_console_${Date.now()}`;

function dayBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  stack = await startConsoleStack(async (table) => {
    const { handler: handleWeChat } = await import('../handlers/wechat');
    // Today: three follows, one unfollow, two sign-ins, through the real callback.
    const t = Math.floor(Date.now() / 1000);
    for (const id of [follower, `${follower}_b`, `${follower}_c`])
      assert.equal((await handleWeChat(pushEvent(eventXml(id, 'subscribe', '', t)))).statusCode, 200);
    await handleWeChat(pushEvent(eventXml(follower, 'CLICK', 'SIGN_IN', t + 1)));
    await handleWeChat(pushEvent(eventXml(`${follower}_b`, 'CLICK', 'SIGN_IN', t + 1)));
    await handleWeChat(pushEvent(eventXml(`${follower}_c`, 'unsubscribe', '', t + 2)));
    // The days before: straight into the stats store.
    today = businessDay(Date.now(), TZ);
    const stats = dynamoStatsStore(table);
    const history = [5, 8, 2, 12, 7, 9, 4, 11, 6, 10, 3, 14, 8];
    for (const [i, n] of history.entries()) {
      await stats.add(
        dayBefore(today, history.length - i),
        { newFollowers: n, unfollows: i % 3, activeMembers: n + 4, signIns: Math.floor(n / 2), redPacketFen: n * 150, reengagementSent: 4, reengaged: i % 5 },
        `seed-${i}`,
      );
    }
  });
  ({ sandbox, page } = stack);
  server = stack;
});

after(() => stack?.close());

test('the console handler serves the built files with their types, and index.html for the app routes', async () => {
  const get = (p: string) => fetch(`${server.url}${p}`, { redirect: 'manual' });
  const index = await get('/console/');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await index.text(), /<script type="module" src="\/console\/app.js">/);
  const deep = await get('/console/members/o_someone');
  assert.equal(deep.status, 200);
  assert.match(deep.headers.get('content-type') ?? '', /^text\/html/);
  const js = await get('/console/app.js');
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match((await get('/console/styles.css')).headers.get('content-type') ?? '', /^text\/css/);
  assert.equal((await get('/console/nope.js')).status, 404);
  assert.equal((await get('/console/..%2f..%2fpackage.json')).status, 404);
  assert.match((await get('/console')).headers.get('content-type') ?? '', /^text\/html/);
  // The account route behind the token: nothing secret in it.
  const account = await fetch(`${server.url}/admin/account`, { headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` } });
  assert.deepEqual(await account.json(), { appId: TEST_CONFIG.WECHAT_APPID, timeZone: TZ });
});

test('sign in with the access token (a wrong one first), the dashboard charts the daily numbers, the language switch sticks', async () => {
  await page.goto(`${server.url}/console/`);
  // Name and password first; the break-glass token behind its link, saying what it is for.
  await page.getByLabel('账号（邮箱）').waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '使用访问令牌登录' }).click();
  const token = page.getByLabel('管理令牌');
  assert.match(await page.locator('.signin .hint').innerText(), /只用于自动化脚本和紧急情况/);
  await token.fill('not-the-token');
  await token.press('Enter');
  await page
    .getByRole('alert')
    .filter({ hasText: /^401: / })
    .waitFor({ timeout: WAIT });
  assert.equal(await token.getAttribute('aria-invalid'), 'true');

  await token.fill(TEST_CONFIG.ADMIN_TOKEN);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('navigation', { name: '主导航' }).waitFor({ timeout: WAIT });
  // Who (the access token, an admin), the account and its time zone, on every page; the token in session storage only.
  assert.equal(await page.locator('[data-timezone]').innerText(), TZ);
  assert.equal(await page.locator('[data-who]').innerText(), '访问令牌（紧急）');
  assert.equal(await page.locator('[data-roles]').innerText(), '管理员');
  assert.equal(await page.locator('[data-account]').innerText(), TEST_CONFIG.WECHAT_APPID);
  assert.deepEqual(await page.evaluate(() => JSON.parse(sessionStorage.getItem('console.session') ?? 'null')), {
    token: TEST_CONFIG.ADMIN_TOKEN,
    via: 'break-glass',
  });
  assert.equal(await page.evaluate(() => localStorage.getItem('console.session')), null);
  assert.ok(!page.url().includes(TEST_CONFIG.ADMIN_TOKEN));

  // Today's figures, from the real pushes.
  await page.locator('[data-figure="newFollowers"] dd').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-figure="newFollowers"] dd').innerText(), '3');
  assert.equal(await page.locator('[data-figure="unfollows"] dd').innerText(), '1');
  assert.equal(await page.locator('[data-figure="netGrowth"] dd').innerText(), '2');
  assert.equal(await page.locator('[data-figure="signIns"] dd').innerText(), '2');

  // The followers chart: 14 days (the default range), one point per day and series, with the values.
  const chart = page.getByRole('img', { name: '关注人数变化' });
  await chart.waitFor({ timeout: WAIT });
  const points = async (series: string) =>
    chart
      .locator(`[data-series="${series}"] circle`)
      .evaluateAll((els) => els.map((e) => ({ day: e.getAttribute('data-day'), value: Number(e.getAttribute('data-value')) })));
  const gained = await points('newFollowers');
  assert.equal(gained.length, 14);
  assert.deepEqual(gained.at(-1), { day: today, value: 3 });
  assert.deepEqual(
    gained.slice(0, 13).map((p) => p.value),
    [5, 8, 2, 12, 7, 9, 4, 11, 6, 10, 3, 14, 8],
  );
  assert.deepEqual(
    (await points('netGrowth')).slice(0, 3).map((p) => p.value),
    [5, 7, 0],
  );
  assert.ok(await chart.locator('text.day-label', { hasText: today.slice(5) }).count(), 'today is labelled on the x axis');
  const values = (name: string) =>
    page
      .getByRole('img', { name, exact: true })
      .locator('circle')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  assert.equal((await values('签到次数')).at(-1), 2);
  // Red-packet spend in yuan (fen on the wire), the re-engagement rate in percent.
  assert.deepEqual((await values('红包支出')).slice(0, 3), [7.5, 12, 3]);
  assert.deepEqual((await values('召回率')).slice(0, 3), [0, 25, 50]);
  assert.equal(await page.locator('[data-figure="redPacketSpendFen"] dd').innerText(), '¥0.00');

  // Another range: the last 7 days.
  await page.getByRole('button', { name: '近 7 天' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-series="newFollowers"] circle').length === 7, undefined, { timeout: WAIT });
  assert.equal(await page.getByLabel('开始日期').inputValue(), dayBefore(today, 6));
  // A reversed range: the API's message, next to the field it names.
  await page.getByLabel('开始日期').fill(today);
  await page.getByLabel('结束日期').fill(dayBefore(today, 3));
  await page.getByLabel('结束日期').press('Enter');
  await page.getByRole('alert').filter({ hasText: 'from must not be after to' }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '近 30 天' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-series="newFollowers"] circle').length === 30, undefined, { timeout: WAIT });
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-dashboard.png', fullPage: true });

  // English, remembered across a reload (and still signed in: the token is in session storage).
  await page.getByRole('button', { name: '切换到英文' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).waitFor({ timeout: WAIT });
  await page.reload();
  await page.getByRole('img', { name: 'Followers gained and lost' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('[data-timezone]').innerText(), TZ);
  await page.getByRole('button', { name: 'Switch to Chinese' }).click();
  await page.getByRole('img', { name: '关注人数变化' }).waitFor({ timeout: WAIT });
});

test('every nav entry opens its page; at a phone width every page stays inside the screen', async () => {
  await page.getByRole('link', { name: '自动回复与菜单' }).click();
  await page.getByRole('heading', { name: '自动回复规则' }).waitFor({ timeout: WAIT });
  assert.ok(page.url().endsWith('/console/autoreplies'));
  assert.equal(await page.getByRole('link', { name: '自动回复与菜单' }).getAttribute('aria-current'), 'page');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: '数据概览' }).click();
  await page.getByRole('img', { name: '关注人数变化' }).waitFor({ timeout: WAIT });
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    nav: getComputedStyle(document.querySelector('.nav ul')!).flexDirection,
  }));
  assert.ok(widths.page <= widths.screen, `no sideways scrolling on a phone: ${JSON.stringify(widths)}`);
  assert.equal(widths.nav, 'row', 'the nav becomes a strip on top');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-phone.png' });
  // Every other page at that width, once it has loaded what it shows.
  for (const link of ['客服收件箱', '会员', '红包活动', '红包发放', '群发', '召回规则', '等级与优惠券', '自动回复与菜单']) {
    await page.getByRole('link', { name: link }).click();
    await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('加载中…'), undefined, { timeout: WAIT });
    const w = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
    assert.ok(w.page <= w.screen, `${link}: no sideways scrolling on a phone: ${JSON.stringify(w)}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('members: look a follower up, adjust points with a reason from the keyboard, see the ledger row, tag and untag', async () => {
  await page.getByRole('link', { name: '会员' }).click();
  await page.getByLabel('openid、手机号、unionid 或标签').fill('o_nobody');
  await page.getByLabel('openid、手机号、unionid 或标签').press('Enter');
  await page.getByRole('alert').filter({ hasText: '没有找到该会员' }).waitFor({ timeout: WAIT });

  await page.getByLabel('openid、手机号、unionid 或标签').fill(follower);
  await page.getByLabel('openid、手机号、unionid 或标签').press('Enter');
  await page.locator('[data-balance]').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-balance]').innerText(), '10', 'the sign-in earned 10');
  assert.ok(page.url().endsWith(`/console/members/${follower}`));
  const rows = page.locator('table.ledger tbody tr');
  assert.equal(await rows.count(), 1);

  // Too large a deduction: the API's refusal next to the field.
  await page.getByLabel('变动').fill('-500');
  await page.getByLabel('原因').fill('测试扣减');
  await page.getByLabel('原因').press('Enter');
  await page.getByRole('alert').filter({ hasText: 'balance 10 is too low for -500' }).waitFor({ timeout: WAIT });

  await page.getByLabel('变动').fill('25');
  await page.getByLabel('原因').fill('到店补偿');
  await page.getByLabel('原因').press('Enter');
  await page.getByRole('status').filter({ hasText: '已调整，当前余额 35' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-balance]').innerText(), '35');
  assert.equal(await rows.count(), 2);
  const first = await rows.first().locator('td').allInnerTexts();
  assert.deepEqual(first.slice(1), ['发放', '+25', '到店补偿', '35']);

  // Tag and untag.
  const tags = page.locator('ul.tags li');
  assert.deepEqual(await tags.allInnerTexts(), ['无']);
  for (const tag of ['常客', 'vip']) {
    await page.getByLabel('新标签').fill(tag);
    await page.getByLabel('新标签').press('Enter');
    await page.getByRole('button', { name: `移除标签「${tag}」` }).waitFor({ timeout: WAIT });
  }
  await page.getByRole('button', { name: '移除标签「vip」' }).click();
  await page.getByRole('button', { name: '移除标签「vip」' }).waitFor({ state: 'detached', timeout: WAIT });
  assert.deepEqual(
    (await tags.allInnerTexts()).map((x) => x.replace('×', '').trim()),
    ['常客'],
  );
  const stored = await fetch(`${server.url}/admin/members/${follower}`, { headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` } });
  assert.deepEqual(((await stored.json()) as { tags: string[] }).tags, ['常客']);
  // Search by tag: two members carry it, so the list of hits, each opening its member.
  const tagged = await fetch(`${server.url}/admin/members/${follower}_b/tags`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ add: ['常客'] }),
  });
  assert.equal(tagged.status, 200);
  await page.getByLabel('openid、手机号、unionid 或标签').fill('常客');
  await page.getByLabel('openid、手机号、unionid 或标签').press('Enter');
  await page.getByRole('heading', { name: '找到 2 位' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('ul.hits li').count(), 2);
  await page.getByRole('link', { name: follower, exact: true }).click();
  await page.locator('[data-balance]').waitFor({ timeout: WAIT });
});

test('members: export a member as JSON, and erase one only after typing its openid', async () => {
  const gone = `${follower}_c`;
  await page.goto(`${server.url}/console/members/${gone}`);
  await page.locator('[data-balance]').waitFor({ timeout: WAIT });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出该会员的全部数据' }).click()]);
  assert.equal(download.suggestedFilename(), `member-${gone}.json`);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { profile?: { openid?: string } };
  assert.equal(exported.profile?.openid, gone);

  const erase = page.getByRole('button', { name: '永久删除该会员' });
  assert.ok(await erase.isDisabled());
  await page.getByLabel(`输入 ${gone} 以确认`).fill(follower);
  assert.ok(await erase.isDisabled(), 'another openid does not unlock it');
  await page.getByLabel(`输入 ${gone} 以确认`).fill(gone);
  await erase.click();
  await page
    .getByRole('status')
    .filter({ hasText: `已删除 ${gone}` })
    .waitFor({ timeout: WAIT });
  const after = await fetch(`${server.url}/admin/members/${gone}`, { headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` } });
  assert.equal(after.status, 404);
});

test('campaigns: a follow reward is refused next to its field, then the draft is saved and scheduled', async () => {
  await page.getByRole('link', { name: '红包活动' }).click();
  await page.getByText('还没有活动。').waitFor({ timeout: WAIT });
  await page.getByLabel('活动名称').fill('每日红烧肉红包');
  await page.getByLabel('触发事件').selectOption('subscribe');
  await page.getByRole('button', { name: '保存草稿' }).click();
  const refusal = page.locator(`#${await page.getByLabel('触发事件').getAttribute('id')}-error`);
  await refusal.filter({ hasText: '诱导关注' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByLabel('触发事件').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.getByLabel('触发事件').evaluate((el) => el === document.activeElement), 'focus moves to the refused field');

  await page.getByLabel('触发事件').selectOption('');
  // Classic cash red packets start at 1 CNY: the schema's refusal lands under the smallest packet.
  await page.getByLabel('发放方式').selectOption('redpack');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page
    .locator(`#${await page.getByLabel('单个最小（元）').getAttribute('id')}-error`)
    .filter({ hasText: 'redpack payouts start at 100 fen' })
    .waitFor({ timeout: WAIT });
  assert.equal(await page.locator(`#${await page.getByLabel('触发事件').getAttribute('id')}-error`).innerText(), '', 'the earlier refusal is gone');
  await page.getByLabel('发放方式').selectOption('wallet');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByRole('status').filter({ hasText: '已保存草稿「每日红烧肉红包」' }).waitFor({ timeout: WAIT });
  const row = page.locator('tr[data-campaign]', { hasText: '每日红烧肉红包' });
  assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'draft');
  assert.match(await row.innerText(), /20 × ¥20\.00/);
  await row.getByRole('button', { name: '发布 每日红烧肉红包' }).click();
  await page.waitForFunction(
    () => ['scheduled', 'running'].includes(document.querySelector('tr[data-campaign] [data-status]')?.getAttribute('data-status') ?? ''),
    undefined,
    { timeout: WAIT },
  );
});

test('broadcasts: a service notice without data is refused next to the field; scheduled, its progress reaches 100%', async () => {
  // The two members still following are followers on the sandbox too (so WeChat accepts the notices).
  const added = await fetch(`${sandbox.url}/sandbox/followers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openids: [follower, `${follower}_b`] }),
  });
  assert.equal(added.status, 200);
  await page.getByRole('link', { name: '群发' }).click();
  await page.getByText('还没有群发。').waitFor({ timeout: WAIT });
  await page.getByLabel('名称').fill('积分到账提醒');
  await page.getByLabel('渠道').selectOption('template');
  await page.getByLabel('模板 ID').fill('points-changed');
  await page.getByLabel('避开夜间（22:00–08:00）').uncheck();
  await page.getByRole('button', { name: '安排群发' }).click();
  const dataError = page.locator(`#${await page.getByLabel('模板数据').getAttribute('id')}-error`);
  await dataError.filter({ hasText: 'give at least one template field' }).waitFor({ timeout: WAIT });

  await page.getByLabel('模板数据').fill('thing1=到店消费积分\nnumber2=120');
  await page.getByRole('button', { name: '安排群发' }).click();
  await page.getByRole('status').filter({ hasText: '已安排「积分到账提醒」' }).waitFor({ timeout: WAIT });
  const item = page.locator('li[data-broadcast]', { hasText: '积分到账提醒' });
  assert.equal(await item.getAttribute('data-status'), 'scheduled');
  assert.ok(await item.getByRole('button', { name: '取消 积分到账提醒' }).isVisible());

  // The minute schedule's dispatcher runs; the page polls and shows the progress reaching 100%.
  const { handler: handleDispatch } = await import('../handlers/broadcast-dispatch');
  await handleDispatch({});
  await drained();
  await page.waitForFunction(() => document.querySelector('li[data-broadcast] progress')?.getAttribute('data-percent') === '100', undefined, { timeout: WAIT });
  await page.waitForFunction(() => document.querySelector('li[data-broadcast]')?.getAttribute('data-status') === 'done', undefined, { timeout: WAIT });
  const counts = await item.locator('.counts').innerText();
  assert.match(counts, /^100% · 对象 2 · 已发送 2 · 跳过 0 · 失败 0$/);
  assert.equal(sandbox.state.inboxOf(follower).filter((e) => e.direction === 'in' && e.channel === 'template').length, 1);
  assert.equal(await item.getByRole('button', { name: /取消/ }).count(), 0, 'nothing left to cancel');
});

test('re-engagement: each rule with its trigger and report; switching one off saves the rules', async () => {
  const auth = { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const rules = [
    {
      id: 'level-up',
      name: '升级祝贺',
      trigger: { type: 'levelChanged' },
      runAt: '10:00',
      notice: { text: '恭喜升级', template: { templateId: 'level-changed', data: { thing1: '恭喜升级' } } },
    },
    {
      id: 'streak',
      name: '签到提醒',
      trigger: { type: 'streakAtRisk', minStreak: 5 },
      runAt: '20:00',
      notice: { text: '别忘了签到', template: { templateId: 'streak', data: { thing1: '别忘了签到' } } },
    },
  ];
  const put = await fetch(`${server.url}/admin/reengagement-rules`, { method: 'PUT', headers: auth, body: JSON.stringify({ rules }) });
  assert.equal(put.status, 200, await put.text());
  await page.getByRole('link', { name: '召回规则' }).click();
  const row = page.locator('tr[data-rule="streak"]');
  await row.waitFor({ timeout: WAIT });
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(0, 6), ['签到提醒', '连续签到 ≥ 5 天即将中断', `20:00 (${TZ})`, '0', '0', '0%']);
  const [saving] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/admin/reengagement-rules') && r.request().method() === 'PUT', { timeout: WAIT }),
    row.getByRole('checkbox', { name: '启用 签到提醒' }).uncheck(),
  ]);
  assert.equal(saving.status(), 200);
  const saved = (await (await fetch(`${server.url}/admin/reengagement-rules`, { headers: auth })).json()) as { rules: { id: string; enabled: boolean }[] };
  assert.deepEqual(
    saved.rules.map((r) => [r.id, r.enabled]),
    [
      ['level-up', true],
      ['streak', false],
    ],
  );
  assert.equal(await page.locator('tr[data-rule="streak"] input').isChecked(), false);
});

test('levels: a threshold that does not grow is refused under its field; a fixed one is saved', async () => {
  await page.getByRole('link', { name: '等级与优惠券' }).click();
  const second = page.getByLabel('累计积分门槛（2）');
  await second.waitFor({ timeout: WAIT });
  assert.equal(await page.getByLabel('名称（2）').inputValue(), '银卡');
  await second.fill('0');
  await page.getByRole('button', { name: '保存等级' }).click();
  await page
    .locator(`#${await second.getAttribute('id')}-error`)
    .filter({ hasText: 'thresholds must grow' })
    .waitFor({ timeout: WAIT });
  await second.fill('600');
  await page.getByRole('button', { name: '保存等级' }).click();
  await page.getByRole('status').filter({ hasText: '等级已保存' }).waitFor({ timeout: WAIT });
  const saved = (await (await fetch(`${server.url}/admin/levels`, { headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` } })).json()) as {
    levels: { name: string; minLifetimePoints?: number }[];
  };
  assert.equal(saved.levels[1]?.minLifetimePoints, 600);
  await page.getByRole('heading', { name: '优惠券模板' }).waitFor({ timeout: WAIT });
});

test('auto-replies: a bad pattern is refused under its field, a keyword rule is created and answers a tried message', async () => {
  await page.getByRole('link', { name: '自动回复与菜单' }).click();
  const rows = page.locator('tr[data-rule]');
  await page.locator('tr[data-rule="hours"]').waitFor({ timeout: WAIT });
  // In the order they are tried: lowest priority first, the default reply last.
  const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
  assert.equal(order[0], 'welcome');
  const priorities = await rows.locator('td.num').allInnerTexts();
  assert.deepEqual(
    priorities.map(Number),
    [...priorities.map(Number)].sort((a, b) => a - b),
  );

  await page.getByLabel('规则名称').fill('招牌菜');
  await page.getByLabel('匹配方式').selectOption('regex');
  await page.getByLabel('关键词或正则').fill('(招牌');
  await page.getByLabel('回复内容').fill('本店招牌：红烧肉，每天限量 50 份。');
  await page.getByLabel('优先级').fill('8');
  await page.getByRole('button', { name: '保存规则' }).click();
  const patternError = page.locator(`#${await page.getByLabel('关键词或正则').getAttribute('id')}-error`);
  await patternError.filter({ hasText: 'not a valid RE2 regular expression' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByLabel('关键词或正则').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('匹配方式').selectOption('contains');
  await page.getByLabel('关键词或正则').fill('招牌');
  await page.getByLabel('关键词或正则').press('Enter');
  await page.getByRole('status').filter({ hasText: '已保存规则「招牌菜」' }).waitFor({ timeout: WAIT });
  const row = page.locator('tr[data-rule]', { hasText: '招牌菜' });
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(0, 4), ['8', '招牌菜', '包含关键词：招牌', '本店招牌：红烧肉，每天限量 50 份。']);

  // Try a message: the new rule answers with its reply.
  await page.getByLabel('粉丝发来的消息').fill('你们的招牌菜是什么？');
  await page.getByLabel('粉丝发来的消息').press('Enter');
  const result = page.locator('[data-try-result]');
  await result.getByText('由规则「招牌菜」回复：').waitFor({ timeout: WAIT });
  assert.equal(await result.locator('.bubble').innerText(), '本店招牌：红烧肉，每天限量 50 份。');
  assert.equal(await result.locator('[data-rule-id]').getAttribute('data-rule-id'), await row.getAttribute('data-rule'));
  // Another message goes to the rule it matches.
  await page.getByLabel('粉丝发来的消息').fill('营业时间是几点');
  await page.getByRole('button', { name: '试一试' }).click();
  await result.getByText('由规则「营业时间」回复：').waitFor({ timeout: WAIT });

  // Edit it (the form fills with the rule), then delete it once confirmed.
  await page.getByRole('button', { name: '编辑 招牌菜' }).click();
  assert.equal(await page.getByLabel('关键词或正则').inputValue(), '招牌');
  await page.getByLabel('回复内容').fill('本店招牌：红烧肉。');
  await page.getByRole('button', { name: '保存规则' }).click();
  await row.locator('td.reply', { hasText: '本店招牌：红烧肉。' }).waitFor({ timeout: WAIT });
  const id = await row.getAttribute('data-rule');
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: '删除 招牌菜' }).click();
  await page.getByRole('status').filter({ hasText: '已删除规则「招牌菜」' }).waitFor({ timeout: WAIT });
  const left = (await (await fetch(`${server.url}/admin/autoreply-rules`, { headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` } })).json()) as {
    rules: { id: string }[];
  };
  assert.ok(!left.rules.some((r) => r.id === id));
  // Put it back for the screenshot and the rest.
  await page.getByLabel('规则名称').fill('招牌菜');
  await page.getByLabel('匹配方式').selectOption('contains');
  await page.getByLabel('关键词或正则').fill('招牌');
  await page.getByLabel('回复内容').fill('本店招牌：红烧肉，每天限量 50 份。');
  await page.getByLabel('优先级').fill('8');
  await page.getByLabel('优先级').press('Enter');
  await page.getByRole('status').filter({ hasText: '已保存规则「招牌菜」' }).waitFor({ timeout: WAIT });
  await page.getByLabel('粉丝发来的消息').fill('你们的招牌菜是什么？');
  await page.getByLabel('粉丝发来的消息').press('Enter');
  await result.getByText('由规则「招牌菜」回复：').waitFor({ timeout: WAIT });
});

test('auto-replies: a news reply with two articles, active hours and a tag; a bad link is refused under its article; editing keeps the rest', async () => {
  const auth = { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` };
  await page.getByLabel('规则名称').fill('新品推荐');
  await page.getByLabel('匹配方式').selectOption('contains');
  await page.getByLabel('关键词或正则').fill('新品');
  await page.getByLabel('回复类型').selectOption('news');
  const first = page.getByRole('group', { name: '第 1 篇图文' });
  await first.getByLabel('标题').fill('秋季新品');
  await first.getByLabel('原文链接').fill('not a link');
  await page.getByLabel('每天开始').fill('11:00');
  await page.getByLabel('每天结束').fill('14:00');
  await page.getByLabel('回复后打上标签').fill('新品关注');
  await page.getByRole('button', { name: '保存规则' }).click();
  const linkError = page.locator(`#${await first.getByLabel('原文链接').getAttribute('id')}-error`);
  await linkError.filter({ hasText: /URL/i }).waitFor({ timeout: WAIT });
  assert.ok(await first.getByLabel('原文链接').evaluate((el) => el === document.activeElement), 'focus moves to the refused field');

  await first.getByLabel('原文链接').fill('https://example.com/autumn');
  // The second article from the keyboard: the button, then straight into its title.
  await page.getByRole('button', { name: '添加图文' }).focus();
  await page.keyboard.press('Enter');
  assert.ok(
    await page
      .getByRole('group', { name: '第 2 篇图文' })
      .getByLabel('标题')
      .evaluate((el) => el === document.activeElement),
  );
  await page.keyboard.type('限时套餐');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: '已保存规则「新品推荐」' }).waitFor({ timeout: WAIT });
  const row = page.locator('tr[data-rule]', { hasText: '新品推荐' });
  assert.equal(await row.locator('td.reply').innerText(), '图文：秋季新品、限时套餐');
  assert.match(await row.locator('td').nth(2).innerText(), /11:00–14:00/);
  const stored = async () =>
    ((await (await fetch(`${server.url}/admin/autoreply-rules`, { headers: auth })).json()) as { rules: AutoreplyRule[] }).rules.find(
      (r) => r.name === '新品推荐',
    )!;
  const saved = await stored();
  assert.deepEqual(saved.reply, { type: 'news', articles: [{ title: '秋季新品', url: 'https://example.com/autumn' }, { title: '限时套餐' }] });
  assert.deepEqual(saved.activeHours, { start: '11:00', end: '14:00' });
  assert.deepEqual(saved.tags, { add: ['新品关注'], remove: [] });

  // Edit: the form comes back with the articles; drop the second, the hours and tag stay.
  await row.getByRole('button', { name: '编辑 新品推荐' }).click();
  assert.equal(await page.getByRole('group', { name: '第 2 篇图文' }).getByLabel('标题').inputValue(), '限时套餐');
  await assertAccessible(page, 'the rule form with two articles');
  await page.getByRole('button', { name: '删除第 2 篇图文' }).click();
  await page.getByRole('button', { name: '保存规则' }).click();
  await row.locator('td.reply', { hasText: /^图文：秋季新品$/ }).waitFor({ timeout: WAIT });
  const edited = await stored();
  assert.equal(edited.id, saved.id);
  assert.equal(edited.reply.type === 'news' && edited.reply.articles.length, 1);
  assert.deepEqual(edited.activeHours, { start: '11:00', end: '14:00' });
  assert.deepEqual(edited.tags, { add: ['新品关注'], remove: [] });
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: '删除 新品推荐' }).click();
  await row.waitFor({ state: 'detached', timeout: WAIT });
});

test('menu: limits checked as you type, the API refusal under its field; a renamed button is saved and published to WeChat', async () => {
  const name = page.getByLabel('名称（主菜单 1）');
  await name.waitFor({ timeout: WAIT });
  assert.equal(await name.inputValue(), '签到');
  const nameError = page.locator(`#${await name.getAttribute('id')}-error`);
  await name.fill('每日签到领积分');
  await nameError.filter({ hasText: '最多 16 字节（现在 21）' }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '保存菜单' }).click();
  await page.getByRole('alert').filter({ hasText: '请先修正标出的字段。' }).waitFor({ timeout: WAIT });
  assert.ok(await name.evaluate((el) => el === document.activeElement), 'focus moves to the field over the limit');
  await name.fill('每日签到');
  assert.equal(await nameError.innerText(), '');
  assert.ok(await page.getByRole('button', { name: '发布到微信' }).isDisabled(), 'unsaved edits: save before publishing');
  assert.equal(await page.locator('.phone .bar > li').first().innerText(), '每日签到');

  // Not a URL: the API's 400 lands under the sub-button's URL.
  const url = page.getByLabel('网址（子菜单 2.2）');
  await url.fill('not a url');
  await page.getByRole('button', { name: '保存菜单' }).click();
  await page
    .locator(`#${await url.getAttribute('id')}-error`)
    .filter({ hasText: /./ })
    .waitFor({ timeout: WAIT });
  assert.equal(await url.getAttribute('aria-invalid'), 'true');
  await url.fill('https://example.com/benefits');
  await page.getByRole('button', { name: '保存菜单' }).click();
  await page.getByRole('status').filter({ hasText: '菜单已保存' }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '发布到微信' }).click();
  await page.getByRole('status').filter({ hasText: '菜单已发布到微信' }).waitFor({ timeout: WAIT });
  assert.match(await page.locator('[data-menu-times]').innerText(), /发布于 /);
  // The WeChat sandbox holds the published menu.
  const published = sandbox.state.menu as { name: string }[] | null;
  assert.deepEqual(
    published?.map((b) => b.name),
    ['每日签到', '会员', '抢红包'],
  );
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-autoreplies.png', fullPage: true });
  // A phone's width: the page (rules, preview and editor) stays inside the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.ok(widths.page <= widths.screen, `no sideways scrolling on a phone: ${JSON.stringify(widths)}`);
});
