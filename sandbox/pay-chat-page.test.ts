import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from './testing/browser';
import type { PayClient } from '../lib/pay/client';
import { clientFor, startNotifyReceiver, type NotifyReceiver } from './pay-testing';
import { createSandbox, type Sandbox } from './server';

// Red packets and transfers on the chat page (headless Chromium): the bubble, and taking the money
// from it, which ends the bill and sends the merchant its callback.
const OPENID = 'oFollowerChatPay00000000001';
const WAIT = 10_000;

let sandbox: Sandbox;
let receiver: NotifyReceiver;
let pay: PayClient;
let browser: Browser;

before(async () => {
  receiver = await startNotifyReceiver();
  sandbox = createSandbox({ accountName: '味道小馆', pay: { notifyUrl: receiver.url } });
  await sandbox.listen(0);
  pay = await clientFor(sandbox);
  receiver.client = pay;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await sandbox?.close();
  await receiver?.close();
});

test('a transfer and a red packet show as red packet bubbles; taking them ends the bills', async () => {
  sandbox.state.follower(OPENID, true);
  assert.equal(
    (
      await pay.createTransferBill({
        outBillNo: 'chat1',
        openid: OPENID,
        amountFen: 888,
        remark: '午餐手气红包',
        activityName: '每日午餐红包',
        rewardDescription: '第 1 轮',
      })
    ).kind,
    'ok',
  );
  assert.equal(
    (
      await pay.sendRedpack({
        mchBillno: 'chat2',
        openid: OPENID,
        amountFen: 166,
        sendName: '味道小馆',
        wishing: '恭喜发财，大吉大利',
        actName: '每日午餐红包',
        remark: '—',
      })
    ).kind,
    'ok',
  );

  const page = await browser.newPage({ viewport: { width: 760, height: 880 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(sandbox.url);
  const bubbles = page.locator('.redpacket');
  await bubbles.nth(1).waitFor({ timeout: WAIT });
  assert.match(await bubbles.nth(0).innerText(), /午餐手气红包[\s\S]*¥8\.88 · 待确认收款[\s\S]*商家转账 · 每日午餐红包/);
  assert.match(await bubbles.nth(1).innerText(), /恭喜发财，大吉大利[\s\S]*¥1\.66 · 未领取[\s\S]*微信红包 · 味道小馆/);

  await page.getByRole('button', { name: '确认收款' }).click();
  await page.locator('.redpacket.done').first().waitFor({ timeout: WAIT });
  await page.locator('.notice.paid', { hasText: '已收款 ¥8.88' }).waitFor({ timeout: WAIT });
  assert.match(await bubbles.nth(0).innerText(), /¥8\.88 · 已收款/);
  assert.equal(receiver.received.length, 1);
  assert.equal(receiver.received[0]!.opened.ok, true);

  await page.getByRole('button', { name: '拆开红包' }).click();
  await page.locator('.redpacket.done').nth(1).waitFor({ timeout: WAIT });
  assert.match(await bubbles.nth(1).innerText(), /¥1\.66 · 已领取/);
  const q = await pay.queryRedpack('chat2');
  assert.equal(q.kind === 'found' && q.status, 'RECEIVED');
  assert.deepEqual(errors, []);
  if (process.env.SCREENSHOTS) await page.locator('.phone').screenshot({ path: 'docs/sandbox-redpacket.png' });
  await page.close();
});
