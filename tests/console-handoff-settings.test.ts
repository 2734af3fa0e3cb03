import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import type { Handoff, HandoffSettings } from '../lib/handoff/handoff';
import { assertAccessible } from './support/accessibility';
import { signInAs, startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';
import { createPerson } from './support/people';
import { postToSandbox } from './support/sandboxCalls';

// The handoff settings card on the inbox page, in headless Chromium against the real admin API and
// the callback handler, with the sandbox as the follower's phone: an operator changes the keywords
// and the out-of-hours answer, a bad keyword is refused next to its field, and the follower's new
// keyword then hands the conversation to a person. Agents read the settings without a save button.
let stack: ConsoleStack;
/** The callback reads the settings through a ~5 s cache: a change shows within this bound. */
const SETTINGS_APPLY_WITHIN_MS = 12_000;

before(async () => {
  stack = await startConsoleStack(undefined, { callback: true });
});
after(async () => {
  await stack?.close();
});

/** The ISO weekday (1 = Monday) it is now in the account's time zone. */
async function todayInAccount(): Promise<number> {
  const { timeZone } = (await stack.admin('GET', '/admin/account')).body as { timeZone: string };
  const short = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(new Date());
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(short) + 1;
}

async function settingsCard(person: { email: string; password: string }): Promise<{ page: Page; card: Locator }> {
  const page = await stack.newPage();
  await signInAs(page, stack.url, person);
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '客服收件箱' }).click();
  const card = page.locator('details#handoff-settings');
  await card.locator('summary').click();
  await card.getByLabel('转人工关键词').waitFor({ timeout: WAIT });
  return { page, card };
}

test('an operator changes the keywords and the out-of-hours answer; a bad keyword is refused at its field; the follower’s new keyword hands off', async () => {
  const operator = await createPerson(['operator']);
  const { page, card } = await settingsCard(operator);
  assert.equal(await card.getByLabel('转人工关键词').inputValue(), '人工\n客服\n转人工\n人工客服', 'the defaults are shown');

  // New keywords, a new out-of-hours answer, and one service day that is not today (so now is out of hours).
  const outOfHours = '现在是休息时间，您的留言已收到，我们上班后第一时间回复。';
  const serviceDay = (((await todayInAccount()) + 2) % 7) + 1;
  await card.getByLabel('转人工关键词').fill('人工\n找真人');
  await card.getByLabel('非服务时间的回复').fill(outOfHours);
  for (const [i, day] of ['周一', '周二', '周三', '周四', '周五', '周六', '周日'].entries())
    await card.getByLabel(day, { exact: true }).setChecked(i + 1 === serviceDay);
  await card.getByRole('button', { name: '保存转人工设置' }).click();
  await card.getByRole('status').filter({ hasText: '转人工设置已保存' }).waitFor({ timeout: WAIT });
  const saved = (await stack.admin('GET', '/admin/handoff-settings')).body as HandoffSettings;
  assert.deepEqual(saved.keywords, ['人工', '找真人']);
  assert.equal(saved.ackOutOfHours, outOfHours);
  assert.deepEqual(saved.serviceHours.days, [serviceDay]);
  await assertAccessible(page, 'handoff settings, saved');

  // A keyword over 20 characters: the API's 400 shows under the keywords field, naming the keyword; nothing is saved.
  const tooLong = '我想要和一位真正的客服人员聊一聊我的订单问题谢谢';
  await card.getByLabel('转人工关键词').fill(`人工\n${tooLong}`);
  await card.getByRole('button', { name: '保存转人工设置' }).click();
  const keywords = card.getByLabel('转人工关键词');
  const error = card.locator(`#${await keywords.getAttribute('id')}-error`);
  await error.filter({ hasText: tooLong }).waitFor({ timeout: WAIT });
  assert.equal(await keywords.getAttribute('aria-invalid'), 'true');
  assert.ok(await keywords.evaluate((el) => el === document.activeElement), 'focus moves to the refused field');
  const ackOut = card.getByLabel('非服务时间的回复');
  assert.equal(await card.locator(`#${await ackOut.getAttribute('id')}-error`).innerText(), '', 'the other fields carry no error');
  assert.deepEqual(((await stack.admin('GET', '/admin/handoff-settings')).body as HandoffSettings).keywords, ['人工', '找真人']);
  await assertAccessible(page, 'handoff settings, a refused keyword');

  // The follower writes the new keyword: once the callback's cache has the new settings, it hands off
  // with the new out-of-hours answer, and the operator's inbox lists the follower as waiting.
  const openid = 'o_settings_keyword';
  await postToSandbox(stack.sandbox, `/sandbox/followers/${openid}/messages`, { type: 'event', event: 'subscribe' });
  const deadline = Date.now() + SETTINGS_APPLY_WITHIN_MS;
  let answer: string | undefined;
  while (answer !== outOfHours && Date.now() < deadline) {
    answer = (
      (await postToSandbox(stack.sandbox, `/sandbox/followers/${openid}/messages`, { type: 'text', content: '找真人' })) as { reply?: { content?: string } }
    ).reply?.content;
    if (answer !== outOfHours) await pause(250);
  }
  assert.equal(answer, outOfHours, 'the new keyword hands off with the new out-of-hours answer');
  const member = (await stack.admin('GET', `/admin/members/${openid}`)).body as { handoff?: Handoff };
  assert.equal(member.handoff?.state, 'waiting');
  assert.equal(member.handoff?.via, 'keyword');
  await page.locator(`tr[data-conversation-row="${openid}"][data-state="waiting"]`).waitFor({ timeout: WAIT });
  await page.close();
});

test('an agent reads the handoff settings but has no save button and cannot change a field', async () => {
  const agent = await createPerson(['agent']);
  const { page, card } = await settingsCard(agent);
  await card.locator('[data-read-only]').waitFor({ timeout: WAIT });
  assert.equal(await card.getByRole('button', { name: '保存转人工设置' }).count(), 0);
  assert.ok(await card.getByLabel('转人工关键词').isDisabled(), 'the fields are read-only');
  assert.ok((await card.getByLabel('服务时间内的回复').inputValue()).length > 0, 'the settings are shown');
  await assertAccessible(page, 'handoff settings, read-only');
  await page.close();
});
