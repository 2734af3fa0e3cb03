import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { campaignBody } from './support/campaigns';
import { startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';
import { eventXml, pushEvent, textXml } from './support/pushes';
import { assertAccessible } from './support/accessibility';
import { drained } from './support/localAws';

// The payouts page in headless Chromium over the real admin API, with the sandbox as WeChat Pay:
// followers grab through the callback while the merchant's balance is empty (held) or while WeChat
// Pay refuses for good (failed); the operator retries and cancels from the page.
let stack: ConsoleStack;
let page: Page;

const admin = (method: string, path: string, body?: unknown) => stack.admin(method, path, body);
const pay = async (path: string, body: unknown) =>
  assert.equal((await fetch(`${stack.sandbox.url}${path}`, { method: 'POST', body: JSON.stringify(body) })).status, 200);
const order = async (ref: string) =>
  (await admin('GET', '/admin/payouts')).body.payouts.find((p: { ref: string }) => p.ref === ref) ??
  (await admin('GET', '/admin/payouts?state=failed')).body.payouts.find((p: { ref: string }) => p.ref === ref) ??
  (await admin('GET', '/admin/payouts?state=cancelled')).body.payouts.find((p: { ref: string }) => p.ref === ref);

const followers = ['o_pay_held_a', 'o_pay_held_b', 'o_pay_failed'].map((id) => `${id}_${Date.now()}`);
const refs: Record<string, string> = {};

before(async () => {
  stack = await startConsoleStack(undefined, { pay: true });
  page = stack.page;
  const { handler: handleWeChat } = await import('../handlers/wechat');
  const created = await admin(
    'POST',
    '/admin/campaigns',
    campaignBody({
      name: '发放红包',
      trigger: { keywords: ['发放红包'] },
      round: { packets: 3, totalFen: 300, split: 'equal', minFen: 100, maxFen: 100 },
      payout: { mode: 'transfer' },
      bestLuckPrize: undefined,
      levelMultipliers: {},
    }),
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((await admin('POST', `/admin/campaigns/${created.body.id}/schedule`)).status, 200);
  await stack.followOnSandbox(followers);
  await pay('/sandbox/pay/balance', { balanceFen: 0 });
  for (const [i, openid] of followers.entries()) {
    if (i === 2) await pay('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'refuse', code: 'NO_AUTH', times: 1 });
    assert.equal((await handleWeChat(pushEvent(eventXml(openid, 'subscribe')))).statusCode, 200);
    assert.match(String((await handleWeChat(pushEvent(textXml(openid, '发放红包')))).body), /抢到 1\.00 元/);
    // The payout worker takes the order off its queue before the next grab (the fault is for the third).
    await drained();
  }
  const listed = [...(await admin('GET', '/admin/payouts?state=held')).body.payouts, ...(await admin('GET', '/admin/payouts?state=failed')).body.payouts] as {
    ref: string;
    openid: string;
    state: string;
  }[];
  for (const p of listed) refs[p.openid] = p.ref;
  assert.deepEqual(
    followers.map((f) => listed.find((p) => p.openid === f)?.state),
    ['held', 'held', 'failed'],
  );
  await stack.signIn();
  await page.getByRole('link', { name: '红包发放' }).click();
  await page.getByRole('heading', { name: '红包发放', level: 1 }).waitFor({ timeout: WAIT });
});
after(() => stack?.close());

const rowOf = (ref: string) => page.locator(`tr[data-payout="${ref}"]`);
const heldList = () => page.locator('section[data-payouts="held"]');
const failedList = () => page.locator('section[data-payouts="failed"]');

test('held and failed payouts are listed with the refusal WeChat Pay gave', async () => {
  await rowOf(refs[followers[0]!]!).waitFor({ timeout: WAIT });
  assert.equal(await heldList().locator('tbody tr').count(), 2);
  assert.equal(await failedList().locator('tbody tr').count(), 1);
  const held = await heldList().locator(`tr[data-payout="${refs[followers[0]!]}"]`).innerText();
  assert.match(held, /NOT_ENOUGH/);
  assert.match(held, /¥1\.00/);
  assert.match(await failedList().locator(`tr[data-payout="${refs[followers[2]!]}"]`).innerText(), /NO_AUTH/);
  assert.equal(
    await failedList()
      .getByRole('button', { name: /^取消 / })
      .count(),
    0,
    'a failed order cannot be cancelled',
  );
  await assertAccessible(page, 'the payouts page');
});

test('retry of a held payout after a top-up sends it under the same ref; it leaves the list', async () => {
  const ref = refs[followers[0]!]!;
  await pay('/sandbox/pay/balance', { addFen: 10_000 });
  await page.getByRole('button', { name: `重试 ${ref}` }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `${ref} 已按原单号重新发送` })
    .waitFor({ timeout: WAIT });
  await rowOf(ref).waitFor({ state: 'detached', timeout: WAIT });
  await drained();
  assert.equal((await order(ref)).state, 'awaiting-confirmation');
});

test('cancel of a held payout asks first, then ends it for good', async () => {
  const ref = refs[followers[1]!]!;
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await page.getByRole('button', { name: `取消 ${ref}` }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `${ref} 已取消` })
    .waitFor({ timeout: WAIT });
  assert.match(asked, new RegExp(`取消单号 ${ref}（¥1\\.00 元）`));
  await rowOf(ref).waitFor({ state: 'detached', timeout: WAIT });
  assert.equal((await order(ref)).state, 'cancelled');
});

test('retry of a failed payout makes a new order and the failed one shows what replaced it', async () => {
  const ref = refs[followers[2]!]!;
  await page.getByRole('button', { name: `重试 ${ref}` }).click();
  const said = page.getByRole('status').filter({ hasText: `${ref} 已由新单号` });
  await said.waitFor({ timeout: WAIT });
  const old = await order(ref);
  assert.ok(old.retriedAs, 'linked to its retry');
  assert.match(await said.innerText(), new RegExp(old.retriedAs));
  await drained();
  assert.equal((await order(old.retriedAs)).state, 'awaiting-confirmation');
  await rowOf(ref).getByText(`已重发为 ${old.retriedAs}`).waitFor({ timeout: WAIT });
  assert.equal(await rowOf(ref).getByRole('button').count(), 0);
});
