import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../sandbox/testing/browser';
import { loadDemoConfig } from '../lib/setup/loadDemoConfig';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { serveHandler } from './support/lambdaServer';
import { httpEvent } from './support/pushes';
import { TEST_CONFIG, useTestTable } from './support/testTable';

// End to end as a follower sees it: Chromium on the sandbox chat page → sandbox signs and encrypts
// like WeChat → our real callback handler → DynamoDB Local → reply back on the page.
// SCREENSHOTS=1 refreshes docs/chat-signin.png.
const WAIT = 15_000;
let sandbox: Sandbox;
let callback: Awaited<ReturnType<typeof serveHandler>>;
let browser: Browser;
let page: Page;

before(async () => {
  callback = await serveHandler(async () => (await import('../handlers/wechat')).handler);
  sandbox = createSandbox({ callbackUrl: `${callback.url}/wechat`, accountName: '味道小馆' });
  await sandbox.listen(0);
  const table = await useTestTable({ WECHAT_API_BASE: sandbox.url });
  await loadDemoConfig(table, JSON.parse(readFileSync('config/demo.json', 'utf8')), Date.now());
  const { handler: handleAdmin } = await import('../handlers/admin');
  const published = await handleAdmin(httpEvent('POST', '/admin/menu/publish', {}, undefined, { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` }));
  assert.equal(published.statusCode, 200, String(published.body));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 760, height: 880 } });
});

after(async () => {
  await browser?.close();
  await sandbox?.close();
  await callback?.close();
});

const bubbleIn = (text: string) => page.locator('.msg.in .bubble', { hasText: text });

test('follow, sign in from the menu, sign in again by keyword, and read my account', async () => {
  await page.goto(sandbox.url);
  await page.getByRole('button', { name: '新建粉丝' }).click();
  const openid = await page.getByLabel('当前粉丝').inputValue();
  await page.getByLabel('消息加解密方式').selectOption('aes');
  await page.getByRole('button', { name: '关注', exact: true }).click();
  await bubbleIn('欢迎关注').waitFor({ timeout: WAIT });

  await page.getByRole('button', { name: '签到', exact: true }).click();
  await bubbleIn('签到成功！+10 积分').waitFor({ timeout: WAIT });

  await page.getByRole('button', { name: '切换到键盘输入' }).click();
  await page.getByLabel('输入消息').fill('签到');
  await page.getByLabel('输入消息').press('Enter');
  await bubbleIn('今天已经签到过啦').waitFor({ timeout: WAIT });

  await page.getByRole('button', { name: '切换到公众号菜单' }).click();
  await page.getByRole('button', { name: '会员', exact: true }).click();
  await page.getByRole('button', { name: '我的账户' }).click();
  const account = bubbleIn('会员等级：普通');
  await account.waitFor({ timeout: WAIT });
  assert.match(await account.innerText(), /当前积分：10[\s\S]*距离「银卡」：再得 490 积分/);

  const inbox = (await (await fetch(`${sandbox.url}/sandbox/followers/${openid}/inbox`)).json()) as
    | { entries?: { channel: string; direction: string }[] }
    | { channel: string; direction: string }[];
  const entries = Array.isArray(inbox) ? inbox : (inbox.entries ?? []);
  assert.equal(entries.filter((e) => e.direction === 'in' && e.channel === 'passive').length, 4, 'four replies, each once');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/chat-signin.png' });
});
