import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { drained } from './support/localAws';
import { launchChromium } from '../sandbox/testing/browser';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { loadHandlers } from './support/handlers';
import { serveHandler } from './support/lambdaServer';
import { useTestTable } from './support/testTable';

// A broadcast as the follower sees it: they chat on the sandbox page (opening the 48-hour window),
// the operator schedules a customer-service broadcast and a service notice through the admin API,
// the minute schedule runs, and both arrive on the page. SCREENSHOTS=1 refreshes docs/broadcast-chat.png.
const WAIT = 15_000;
let sandbox: Sandbox;
let callback: Awaited<ReturnType<typeof serveHandler>>;
let browser: Browser;
let page: Page;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  callback = await serveHandler(async () => (await import('../handlers/wechat')).handler);
  sandbox = createSandbox({ callbackUrl: `${callback.url}/wechat`, accountName: '味道小馆' });
  await sandbox.listen(0);
  await useTestTable({ WECHAT_API_BASE: sandbox.url });
  handlers = await loadHandlers();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 760, height: 880 } });
});
after(async () => {
  await browser?.close();
  await sandbox?.close();
  await callback?.close();
});

test('a follower who chatted today receives the broadcast and a service notice on the chat page', async () => {
  await page.goto(sandbox.url);
  await page.getByRole('button', { name: '新建粉丝' }).click();
  const openid = await page.getByLabel('当前粉丝').inputValue();
  await page.getByRole('button', { name: '关注', exact: true }).click();
  await page.getByText('你关注了“味道小馆”').waitFor({ timeout: WAIT });
  // Without a published menu the page shows the keyboard at once.
  if (!(await page.getByLabel('输入消息').isVisible())) await page.getByRole('button', { name: '切换到键盘输入' }).click();
  await page.getByLabel('输入消息').fill('周末营业吗？');
  await page.getByRole('button', { name: '发送', exact: true }).click();
  await page.locator('.msg.out .bubble', { hasText: '周末营业吗？' }).waitFor({ timeout: WAIT });

  const text = '本周六门店营业时间调整为 10:00–20:00，欢迎光临';
  const custom = await handlers.admin('POST', '/admin/broadcasts', {
    name: '营业时间调整',
    message: { channel: 'custom', text },
    segment: { subscribed: true },
    sendAt: 'now',
    quietHours: null,
  });
  assert.equal(custom.status, 201, JSON.stringify(custom.body));
  const notice = await handlers.admin('POST', '/admin/broadcasts', {
    name: '积分到账',
    message: { channel: 'template', templateId: 'points-changed', data: { thing1: '到店消费积分', number2: '120', time3: '2026-12-05 19:30' } },
    segment: { subscribed: true },
    sendAt: 'now',
    quietHours: null,
  });
  assert.equal(notice.status, 201);
  const { handler: handleDispatch } = await import('../handlers/broadcast-dispatch');
  await handleDispatch({});
  await drained();

  await page.locator('.msg.in .bubble', { hasText: text }).waitFor({ timeout: WAIT });
  await page.locator('.msg.in', { hasText: '到店消费积分' }).waitFor({ timeout: WAIT });
  for (const id of [custom.body.id, notice.body.id]) {
    const v = (await handlers.admin('GET', `/admin/broadcasts/${id}`)).body;
    assert.deepEqual({ status: v.status, sent: v.progress.sent, audience: v.progress.audience }, { status: 'done', sent: 1, audience: 1 });
  }
  const entries = sandbox.state.inboxOf(openid).filter((e) => e.direction === 'in');
  assert.equal(entries.filter((e) => e.channel === 'custom' && e.content === text).length, 1);
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/broadcast-chat.png' });
});
