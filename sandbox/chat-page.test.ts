import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './testing/browser';
import { createSandbox, type Sandbox } from './server';
import { startCoWechatCallback, type CoWechatCallback } from './testing/co-wechat-callback';
import { getJson, postJson, type JsonObject } from './testing/http';

// The chat page in headless Chromium (Debian's package, driven by playwright-core), talking to the
// sandbox, which pushes to an independent co-wechat callback. SCREENSHOTS=1 refreshes docs/sandbox-chat.png.
const CONFIG = { token: 'sandbox-token', appid: 'wx1234567890abcdef', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const WAIT = 10_000;

let callback: CoWechatCallback;
let sandbox: Sandbox;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  callback = await startCoWechatCallback(CONFIG);
  sandbox = createSandbox({ callbackUrl: callback.url, accountName: '味道小馆' });
  await sandbox.listen(0);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 760, height: 880 }, deviceScaleFactor: 1 });
  // The machine is offline: article pictures from example.com are answered locally.
  await page.route('https://example.com/**', (route) =>
    route.fulfill({
      contentType: 'image/svg+xml',
      body: '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="#e9b44c"/><circle cx="320" cy="60" r="90" fill="#f3d27f"/></svg>',
    }),
  );
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
});

after(async () => {
  await browser?.close();
  await sandbox?.close();
  await callback?.close();
});

async function publishMenu(): Promise<void> {
  const { json: token } = await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${CONFIG.appid}&secret=sandbox-secret`);
  const menu = {
    button: [
      { type: 'click', name: '签到', key: 'SIGN_IN' },
      {
        name: '会员',
        sub_button: [
          { type: 'click', name: '我的积分', key: 'MY_POINTS' },
          { type: 'view', name: '会员中心', url: 'https://example.com/member' },
        ],
      },
      { type: 'view', name: '点餐', url: 'https://example.com/order' },
    ],
  };
  const res = await postJson(`${sandbox.url}/cgi-bin/menu/create?access_token=${token.access_token}`, menu);
  assert.equal(res.json.errcode, 0, JSON.stringify(res.json));
}

const bubbleIn = (text: string) => page.locator('.msg.in .bubble', { hasText: text });
const bubbleOut = (text: string) => page.locator('.msg.out .bubble', { hasText: text });

test('a follower follows, chats, taps the menu and receives a template message on the chat page', async () => {
  await publishMenu();
  await page.goto(sandbox.url);
  await page.getByRole('heading', { name: '味道小馆' }).waitFor({ timeout: WAIT });

  // A new follower, in safe mode (AES), follows the account.
  await page.getByRole('button', { name: '新建粉丝' }).click();
  const openid = await page.getByLabel('当前粉丝').inputValue();
  assert.match(openid, /^o[A-Za-z0-9_-]{27}$/);
  await page.getByLabel('消息加解密方式').selectOption('aes');
  await page.getByRole('button', { name: '关注', exact: true }).click();
  await bubbleIn('欢迎关注').waitFor({ timeout: WAIT });
  assert.equal(callback.received.at(-1)?.query.encrypt_type, 'aes');
  assert.equal(callback.received.at(-1)?.message.FromUserName, openid);
  assert.equal(await page.getByRole('button', { name: '关注', exact: true }).isDisabled(), true);

  // The menu is shown first (as in WeChat); switch to the keyboard and type.
  await page.getByRole('button', { name: '签到', exact: true }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '切换到键盘输入' }).click();
  await page.getByLabel('输入消息').fill('今天营业到几点？');
  await page.getByLabel('输入消息').press('Enter');
  await bubbleOut('今天营业到几点？').waitFor({ timeout: WAIT });
  await bubbleIn('收到：今天营业到几点？').waitFor({ timeout: WAIT });
  assert.equal(callback.received.at(-1)?.message.Content, '今天营业到几点？');

  // Back to the menu: a CLICK top button, then a CLICK sub-button from the pop-up.
  await page.getByRole('button', { name: '切换到公众号菜单' }).click();
  await page.getByRole('button', { name: '签到', exact: true }).click();
  await bubbleIn('签到成功').waitFor({ timeout: WAIT });
  assert.deepEqual([callback.received.at(-1)?.message.Event, callback.received.at(-1)?.message.EventKey], ['CLICK', 'SIGN_IN']);
  await page.getByRole('button', { name: '会员', exact: true }).click();
  assert.equal(await page.getByRole('button', { name: '会员', exact: true }).getAttribute('aria-expanded'), 'true');
  await page.getByRole('button', { name: '我的积分' }).click();
  await bubbleIn('1280 积分').waitFor({ timeout: WAIT });
  assert.equal(callback.received.at(-1)?.message.EventKey, 'MY_POINTS');
  assert.equal(await page.getByRole('button', { name: '我的积分' }).isVisible(), false, 'the pop-up closes after a tap');

  // A template message sent through the API shows up as a card titled with the template id.
  const { json: token } = await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${CONFIG.appid}&secret=sandbox-secret`);
  const sent = await postJson(`${sandbox.url}/cgi-bin/message/template/send?access_token=${token.access_token}`, {
    touser: openid,
    template_id: 'POINTS_EXPIRING',
    url: 'https://example.com/points',
    data: {
      first: { value: '你的积分即将过期' },
      keyword1: { value: '300 分' },
      keyword2: { value: '2025-06-30', color: '#fa5151' },
      remark: { value: '到店消费可抵扣现金' },
    },
  });
  assert.equal(sent.json.errcode, 0);
  const card = page.locator('.card.template', { hasText: 'POINTS_EXPIRING' });
  await card.waitFor({ timeout: WAIT });
  assert.match(await card.innerText(), /keyword1\s+300 分/);
  assert.equal(await card.getByRole('link', { name: /详情/ }).getAttribute('href'), 'https://example.com/points');

  assert.deepEqual(callback.refused, []);
  assert.deepEqual(pageErrors, []);
  await page.waitForFunction(
    () => {
      const list = document.getElementById('messages')!;
      return list.scrollTop + list.clientHeight >= list.scrollHeight - 2;
    },
    undefined,
    { timeout: WAIT },
  );
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/sandbox-chat.png' });

  // A mass message (openid list) shows up as a bubble tagged 群发消息; its MASSSENDJOBFINISH reaches the callback.
  const mass = await postJson(`${sandbox.url}/cgi-bin/message/mass/send?access_token=${token.access_token}`, {
    touser: [openid, 'oSomeoneElse'],
    msgtype: 'text',
    text: { content: '本周六会员日，全场九折' },
  });
  assert.equal(mass.json.errcode, 0, JSON.stringify(mass.json));
  const massRow = page.locator('.msg.in[data-channel="mass"]', { hasText: '本周六会员日，全场九折' });
  await massRow.waitFor({ timeout: WAIT });
  assert.match(await massRow.innerText(), /群发消息/);

  // A VIEW sub-button sends a VIEW event and shows the link; Escape closes an open pop-up.
  await page.getByRole('button', { name: '会员', exact: true }).click();
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('button', { name: '会员中心' }).isVisible(), false);
  await page.getByRole('button', { name: '会员', exact: true }).click();
  await page.getByRole('button', { name: '会员中心' }).click();
  await page.locator('.notice a[href="https://example.com/member"]').waitFor({ timeout: WAIT });
  assert.deepEqual([callback.received.at(-1)?.message.Event, callback.received.at(-1)?.message.EventKey], ['VIEW', 'https://example.com/member']);

  // Unfollowing flips the buttons and the sandbox's subscribe state.
  await page.getByRole('button', { name: '取消关注' }).click();
  await page.locator('.notice', { hasText: '你已取消关注' }).waitFor({ timeout: WAIT });
  const followers = (await getJson(`${sandbox.url}/sandbox/followers`)).json.followers as JsonObject[];
  assert.equal(followers.find((f) => f.openid === openid)?.subscribed, false);
  await page.waitForFunction(() => !(document.getElementById('follow') as HTMLButtonElement).disabled, undefined, { timeout: WAIT });
  assert.deepEqual(pageErrors, []);
});

test('the page works from the keyboard alone', async () => {
  await page.reload();
  await page.getByRole('heading', { name: '味道小馆' }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '关注', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.msg.in .bubble', { hasText: '欢迎关注' }).nth(1).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: '切换到键盘输入' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'text', 'switching to the keyboard focuses the input');
  await page.keyboard.type('图文');
  await page.keyboard.press('Enter');
  await page.locator('.card.news', { hasText: '本周会员日' }).waitFor({ timeout: WAIT });
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), '签到', 'the menu switch moves focus to the first menu button');
  await page.keyboard.press('Enter');
  await page.locator('.msg.in .bubble', { hasText: '签到成功' }).nth(1).waitFor({ timeout: WAIT });
  assert.deepEqual(pageErrors, []);
});
