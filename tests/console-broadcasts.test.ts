import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/server';
import { drained } from './support/localAws';
import { errorOf, startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';
import { seedMembers } from './support/members';
import { eventXml, pushEvent } from './support/pushes';
import { TEST_CONFIG } from './support/testTable';
import { assertAccessible } from './support/accessibility';

// The broadcasts, re-engagement and coupon-template pages in headless Chromium against the real
// admin API, with the sandbox as WeChat; the minute dispatcher is run by hand and the send worker drains its queue.
// SCREENSHOTS=1 refreshes docs/console-broadcasts.png, docs/console-reengagement.png and
// docs/console-levels.png.
const TZ = TEST_CONFIG.ACCOUNT_TIME_ZONE;
const AUTH = { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`, 'content-type': 'application/json' };
const readers = ['o_reader_a', 'o_reader_b', 'o_reader_c'];
const tester = 'o_tester';
let stack: ConsoleStack;
let sandbox: Sandbox;
let page: Page;

async function admin<T>(path: string): Promise<T> {
  const r = await fetch(`${stack.url}${path}`, { headers: AUTH });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as T;
}

/**
 * Builds a segment in the shared segment editor (console/src/segmentEditor.ts) and waits for its
 * live count. The editor is a JSON field labelled by its legend today; when it becomes the visual
 * editor, this is the one place these tests drive it.
 */
async function buildSegment(legend: string, segment: { tag: string }, count: number) {
  // Visually: the first condition row becomes "tag is …".
  const editor = page.getByRole('group', { name: legend, exact: true });
  await editor.getByRole('group', { name: '条件 1', exact: true }).getByLabel('类型').selectOption('tag');
  await editor.getByRole('group', { name: '条件 1', exact: true }).getByLabel('标签', { exact: true }).fill(segment.tag);
  await editor.getByText(`符合条件的会员：${count} 位`).waitFor({ timeout: WAIT });
}

/** A local HH:MM in the account's time zone, `minutes` from now. */
const localTime = (minutes: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now() + minutes * 60_000);

async function dispatch() {
  const { handler: handleDispatch } = await import('../handlers/broadcast-dispatch');
  await handleDispatch({});
  await drained();
}

const item = (name: string) => page.locator('li[data-broadcast]', { hasText: name });

async function noSidewaysScrolling() {
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.ok(widths.page <= widths.screen, `no sideways scrolling on a phone: ${JSON.stringify(widths)}`);
}

before(async () => {
  stack = await startConsoleStack(async (table) => {
    // Three readers of the monthly newsletter (tag 月刊) and one member without the tag.
    await seedMembers(table, [...readers.map((openid) => ({ openid, tags: ['月刊'] })), { openid: 'o_other' }], Date.now());
  });
  ({ sandbox, page } = stack);
  await stack.followOnSandbox([...readers, 'o_other', tester]);
  await stack.signIn();
});

after(() => stack?.close());

let massId = '';

test('broadcasts: a mass send to a segment built in the editor; the frequency cap refused under its field; a preview reaches the test openid and counts nothing', async () => {
  await page.getByRole('link', { name: '群发' }).click();
  await page.getByText('还没有群发。').waitFor({ timeout: WAIT });
  await page.getByLabel('名称').fill('十二月会员月刊');
  await page.getByLabel('渠道').selectOption('mass');
  await page.getByLabel('消息内容').fill('十二月会员月刊：新菜上市');
  await buildSegment('发送对象', { tag: '月刊' }, 3);
  // Whatever the hour of the test run, it goes now.
  await page.getByLabel('避开夜间（22:00–08:00）').uncheck();
  await page.getByLabel('频次上限（条）').fill('2');
  await page.getByLabel('频次周期（天）').fill('60');
  await page.getByRole('button', { name: '安排群发' }).click();
  const daysError = await errorOf(page, '频次周期（天）');
  await daysError.filter({ hasText: '<=28' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByLabel('频次周期（天）').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.getByLabel('频次周期（天）').evaluate((el) => el === document.activeElement), 'focus moves to the refused field');

  await page.getByLabel('频次周期（天）').fill('7');
  await page.getByRole('button', { name: '安排群发' }).click();
  await page.getByRole('status').filter({ hasText: '已安排「十二月会员月刊」' }).waitFor({ timeout: WAIT });
  assert.equal(await daysError.innerText(), '', 'the refusal is gone');
  massId = (await item('十二月会员月刊').getAttribute('data-broadcast'))!;
  assert.match(await item('十二月会员月刊').locator('.rules').innerText(), /群发 · 不避开夜间 · 7 天内最多 2 条/);

  // Preview before the dispatcher runs: an empty list is refused under the field, then the test
  // openid gets it (a stranger is refused by WeChat), and nothing is counted.
  assert.equal(await page.getByLabel('要预览的群发').inputValue(), massId, 'the broadcast just saved is chosen');
  await page.getByRole('button', { name: '发送预览' }).click();
  await (await errorOf(page, '测试 openid')).filter({ hasText: /./ }).waitFor({ timeout: WAIT });
  await page.getByLabel('测试 openid').fill(`${tester}\no_stranger`);
  await page.getByRole('button', { name: '发送预览' }).click();
  const sent = page.locator(`tr[data-preview="${tester}"]`);
  await sent.waitFor({ timeout: WAIT });
  assert.equal(await sent.getAttribute('data-result'), 'sent');
  assert.deepEqual(await sent.locator('td').allInnerTexts(), [tester, '群发', '已发送']);
  assert.equal(await page.locator('tr[data-preview="o_stranger"]').getAttribute('data-result'), 'failed');
  assert.match(await page.locator('tr[data-preview="o_stranger"]').innerText(), /openid 无效 \(40003\)/);
  assert.deepEqual(
    sandbox.state
      .inboxOf(tester)
      .filter((e) => e.channel === 'mass')
      .map((e) => e.content),
    ['十二月会员月刊：新菜上市'],
  );
  const { progress, status } = await admin<{ status: string; progress: { sent: number; queued: number } }>(`/admin/broadcasts/${massId}`);
  assert.equal(status, 'scheduled');
  assert.deepEqual([progress.sent, progress.queued], [0, 0], 'a preview is not a send');
  await noSidewaysScrolling();
});

test("broadcasts: the dispatcher sends it to the three readers, the progress reaches 100% by channel, and WeChat's job reports show as delivered", async () => {
  await dispatch();
  const mass = item('十二月会员月刊');
  await page.waitForFunction((id) => document.querySelector(`li[data-broadcast="${id}"]`)?.getAttribute('data-status') === 'done', massId, { timeout: WAIT });
  assert.equal(await mass.locator('progress').getAttribute('data-percent'), '100');
  assert.equal(await mass.locator('.counts').innerText(), '100% · 对象 3 · 已发送 3 · 跳过 0 · 失败 0');
  assert.equal(await mass.locator('[data-count="sent.mass"]').innerText(), '群发 3');
  for (const openid of readers)
    assert.deepEqual(
      sandbox.state
        .inboxOf(openid)
        .filter((e) => e.channel === 'mass')
        .map((e) => e.content),
      ['十二月会员月刊：新菜上市'],
    );
  assert.equal(sandbox.state.inboxOf('o_other').filter((e) => e.channel === 'mass').length, 0, 'outside the segment');
  assert.equal(sandbox.state.inboxOf(tester).filter((e) => e.channel === 'mass').length, 1, 'only the preview');

  // WeChat's MASSSENDJOBFINISH reports (the sandbox queued one per mass call) reach the callback.
  const { handler: handleWeChat } = await import('../handlers/wechat');
  const reports = sandbox.jobs.events.filter((e) => e.kind === 'MASSSENDJOBFINISH');
  assert.ok(reports.length >= 1);
  for (const r of reports) {
    const xml = eventXml(r.openid, 'MASSSENDJOBFINISH', '', Math.floor(Date.now() / 1000), {
      MsgID: String(r.msgid),
      Status: r.status,
      TotalCount: String(r.counts!.totalCount),
      FilterCount: String(r.counts!.filterCount),
      SentCount: String(r.counts!.sentCount),
      ErrorCount: String(r.counts!.errorCount),
    });
    assert.equal((await handleWeChat(pushEvent(xml))).statusCode, 200);
  }
  // A finished broadcast is not polled: open the page again.
  await page.getByRole('link', { name: '召回规则' }).click();
  await page.getByRole('link', { name: '群发' }).click();
  await mass.locator('[data-count="report.delivered"]').waitFor({ timeout: WAIT });
  assert.equal(await mass.locator('[data-count="report.delivered"]').innerText(), '已送达 3');
});

test('broadcasts: due inside its quiet hours it is held until their end; a frequency cap skips readers who had enough, with the reason and the marketing warning shown', async () => {
  // Quiet hours around now (account time zone): the dispatcher moves it to their end.
  const [start, end] = [localTime(-60), localTime(60)];
  await page.getByLabel('名称').fill('营业时间调整');
  await page.getByLabel('渠道').selectOption('custom');
  await page.getByLabel('消息内容').fill('本周六营业时间调整为 10:00–20:00');
  await buildSegment('发送对象', { tag: '月刊' }, 3);
  await page.getByLabel(/^避开夜间/).check();
  await page.getByLabel('夜间开始').fill(start);
  await page.getByLabel('夜间结束').fill(end);
  assert.equal(await page.getByLabel(`避开夜间（${start}–${end}）`).isChecked(), true, 'the checkbox names the hours');
  await page.getByLabel('频次上限（条）').fill('');
  await page.getByLabel('频次周期（天）').fill('');
  await page.getByRole('button', { name: '安排群发' }).click();
  await page.getByRole('status').filter({ hasText: '已安排「营业时间调整」' }).waitFor({ timeout: WAIT });
  await dispatch();
  const held = item('营业时间调整');
  await held.locator('[data-held]').waitFor({ timeout: WAIT });
  assert.match(await held.locator('[data-held]').innerText(), new RegExp(`^处于夜间，.*${end} 发出$`));
  assert.equal(await held.getAttribute('data-status'), 'scheduled');
  assert.equal(sandbox.state.inboxOf(readers[0]!).filter((e) => e.channel === 'custom').length, 0, 'nothing sent during quiet hours');
  await held.getByRole('button', { name: '取消 营业时间调整' }).click();
  await page.waitForFunction(() => document.querySelector('li[data-broadcast][data-status="cancelled"]') !== null, undefined, { timeout: WAIT });
  // Never expanded, so never counted: "—", not the "…" of a broadcast still under way.
  assert.match(await page.locator('li[data-broadcast][data-status="cancelled"] .counts').innerText(), /^— · 对象 — · 已发送 0/);

  // At most one broadcast a week: each reader already had the newsletter, so all three are skipped.
  await page.getByLabel('名称').fill('积分到账提醒');
  await page.getByLabel('渠道').selectOption('template');
  await page.getByLabel('模板 ID').fill('points-changed');
  await page.getByLabel('模板数据').fill('thing1=限时积分到账\nnumber2=120');
  await page.getByLabel(/^避开夜间/).uncheck();
  await page.getByLabel('频次上限（条）').fill('1');
  await page.getByLabel('频次周期（天）').fill('7');
  await page.getByRole('button', { name: '安排群发' }).click();
  await page.getByRole('status').filter({ hasText: '已安排「积分到账提醒」' }).waitFor({ timeout: WAIT });
  const capped = item('积分到账提醒');
  assert.match(await capped.locator('[data-warning="message.data.thing1"]').innerText(), /message\.data\.thing1：“限时”像营销用语/);
  await dispatch();
  await page.waitForFunction(() => document.querySelector('li[data-broadcast]')?.getAttribute('data-status') === 'done', undefined, { timeout: WAIT });
  assert.equal(await capped.locator('.counts').innerText(), '100% · 对象 3 · 已发送 0 · 跳过 3 (超出频次上限 3) · 失败 0');
  assert.equal(await capped.locator('[data-count="skipped.frequency-cap"]').innerText(), '超出频次上限 3');
  assert.equal(sandbox.state.inboxOf(readers[0]!).filter((e) => e.channel === 'template').length, 0);
  await assertAccessible(page, 'broadcasts with progress');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-broadcasts.png', fullPage: true });
});

interface RuleView {
  id: string;
  name: string;
  enabled: boolean;
  trigger: { type: string; days?: number };
  segment?: unknown;
  notice: { text: string; template?: { templateId: string; data: Record<string, string> } };
  benefit?: { points: number };
  cooldownDays: number;
}

test('re-engagement: a dormancy rule without a benefit is refused under its fields, then created, edited and deleted', async () => {
  await page.getByRole('link', { name: '召回规则' }).click();
  await page.getByText('还没有召回规则。').waitFor({ timeout: WAIT });
  await page.getByLabel('规则 ID').fill('come-back');
  await page.getByLabel('规则名称').fill('回访有礼');
  await page.getByLabel('触发条件').selectOption('dormant');
  await page.getByLabel('未互动天数').fill('30');
  assert.match(await page.locator('[data-placeholders]').innerText(), /\{days\} \{points\}/);
  await page.getByLabel('48 小时内发送的文字').fill('好久不见！送你 {points} 积分，已到账。');
  await page.getByLabel('48 小时外：服务通知模板 ID').fill('points-changed');
  await page.getByLabel('48 小时外：模板数据').fill('thing1=回访礼积分到账\nnumber2={points}');
  await page.getByLabel('冷却天数').fill('7');
  await page.getByRole('button', { name: '保存规则' }).click();
  await (await errorOf(page, '回访奖励')).filter({ hasText: 'must carry a real benefit' }).waitFor({ timeout: WAIT });
  assert.match(await (await errorOf(page, '冷却天数')).innerText(), /use 14 days or more/);
  assert.deepEqual((await admin<{ rules: RuleView[] }>('/admin/reengagement-rules')).rules, [], 'nothing saved');

  await page.getByLabel('回访奖励').selectOption('points');
  await page.getByLabel('奖励积分').fill('50');
  await page.getByLabel('冷却天数').fill('14');
  await page.getByRole('button', { name: '保存规则' }).click();
  await page.getByRole('status').filter({ hasText: '已保存规则「回访有礼」' }).waitFor({ timeout: WAIT });
  const row = page.locator('tr[data-rule="come-back"]');
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(0, 6), ['回访有礼', '30 天未互动', `10:00 (${TZ})`, '0', '0', '0%']);
  let [rule] = (await admin<{ rules: RuleView[] }>('/admin/reengagement-rules')).rules;
  assert.deepEqual(
    { id: rule!.id, trigger: rule!.trigger, benefit: rule!.benefit, cooldownDays: rule!.cooldownDays, notice: rule!.notice, segment: rule!.segment },
    {
      id: 'come-back',
      trigger: { type: 'dormant', days: 30 },
      benefit: { points: 50 },
      cooldownDays: 14,
      notice: {
        text: '好久不见！送你 {points} 积分，已到账。',
        template: { templateId: 'points-changed', data: { thing1: '回访礼积分到账', number2: '{points}' } },
      },
      segment: undefined,
    },
  );

  // Edit: the form fills with the rule (its id fixed); a bad cooldown is refused, then the change saved.
  await row.getByRole('button', { name: '编辑 回访有礼' }).click();
  await page.getByRole('heading', { name: '编辑规则「回访有礼」' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('status').filter({ hasText: '已保存规则' }).count(), 0, "the last save's message is gone");
  assert.equal(await page.getByLabel('规则 ID').inputValue(), 'come-back');
  assert.equal(await page.getByLabel('规则 ID').getAttribute('readonly'), '');
  assert.equal(await page.getByLabel('奖励积分').inputValue(), '50');
  await page.getByLabel('冷却天数').fill('120');
  await page.getByRole('button', { name: '保存规则' }).click();
  await (await errorOf(page, '冷却天数')).filter({ hasText: '<=90' }).waitFor({ timeout: WAIT });
  await page.getByLabel('冷却天数').fill('21');
  await buildSegment('规则对象', { tag: '月刊' }, 3);
  await page.getByRole('button', { name: '保存规则' }).click();
  await page.getByRole('status').filter({ hasText: '已保存规则「回访有礼」' }).waitFor({ timeout: WAIT });
  const rules = (await admin<{ rules: RuleView[] }>('/admin/reengagement-rules')).rules;
  assert.equal(rules.length, 1, 'edited in place, not added');
  [rule] = rules;
  assert.deepEqual(
    { cooldownDays: rule!.cooldownDays, segment: rule!.segment, benefit: rule!.benefit, enabled: rule!.enabled },
    { cooldownDays: 21, segment: { tag: '月刊' }, benefit: { points: 50 }, enabled: true },
  );
  assert.equal(await page.getByRole('heading', { name: '新建召回规则' }).count(), 1, 'the form is back to a new rule');
  await noSidewaysScrolling();
  await assertAccessible(page, 'the re-engagement rule form');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-reengagement.png', fullPage: true });

  // Deleting asks first, naming the rule; then the list is saved without it.
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await page.getByRole('button', { name: '删除 回访有礼' }).click();
  await page.getByRole('status').filter({ hasText: '已删除规则「回访有礼」' }).waitFor({ timeout: WAIT });
  assert.match(asked, /回访有礼/);
  assert.deepEqual((await admin<{ rules: RuleView[] }>('/admin/reengagement-rules')).rules, []);
  await page.getByText('还没有召回规则。').waitFor({ timeout: WAIT });
});

test('coupon templates: refused under their fields, created, edited and deleted', async () => {
  await page.getByRole('link', { name: '等级与优惠券' }).click();
  await page.getByLabel('优惠券 ID').waitFor({ timeout: WAIT });
  await page.getByLabel('优惠券 ID').fill('Five Off');
  await page.getByLabel('优惠券标题').fill('满 50 减 5');
  await page.getByLabel('优惠内容').selectOption('amount');
  await page.getByLabel('立减（元）').fill('5');
  await page.getByLabel('有效期规则').selectOption('days');
  await page.getByLabel('有效天数').fill('0');
  await page.getByRole('button', { name: '保存优惠券' }).click();
  await (await errorOf(page, '优惠券 ID')).filter({ hasText: 'lower-case letters' }).waitFor({ timeout: WAIT });
  assert.match(await (await errorOf(page, '有效天数')).innerText(), />=1/);

  await page.getByLabel('优惠券 ID').fill('five-off');
  await page.getByLabel('有效天数').fill('30');
  await page.getByRole('button', { name: '保存优惠券' }).click();
  await page.getByRole('status').filter({ hasText: '已保存优惠券「满 50 减 5」' }).waitFor({ timeout: WAIT });
  const row = page.locator('tr[data-template="five-off"]');
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(0, 4), ['five-off', '满 50 减 5', '¥5.00', '30 天']);
  assert.deepEqual(await admin<{ value: unknown; validity: unknown }>('/admin/coupon-templates/five-off').then((c) => [c.value, c.validity]), [
    { type: 'amount', fen: 500 },
    { type: 'days', days: 30 },
  ]);

  await row.getByRole('button', { name: '编辑 满 50 减 5' }).click();
  assert.equal(await page.getByRole('status').filter({ hasText: '已保存优惠券' }).count(), 0, "the last save's message is gone");
  assert.equal(await page.getByLabel('优惠券 ID').getAttribute('readonly'), '');
  assert.equal(await page.getByLabel('立减（元）').inputValue(), '5.00');
  await page.getByLabel('立减（元）').fill('8');
  await page.getByLabel('有效期规则').selectOption('fixed');
  await page.getByLabel('生效日期').fill('2026-12-31');
  await page.getByLabel('截止日期').fill('2026-12-01');
  await page.getByRole('button', { name: '保存优惠券' }).click();
  await (await errorOf(page, '截止日期')).filter({ hasText: 'must not be before from' }).waitFor({ timeout: WAIT });
  await page.getByLabel('生效日期').fill('2026-12-01');
  await page.getByLabel('截止日期').fill('2026-12-31');
  await page.getByRole('button', { name: '保存优惠券' }).click();
  await page.getByRole('status').filter({ hasText: '已保存优惠券「满 50 减 5」' }).waitFor({ timeout: WAIT });
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(2, 4), ['¥8.00', '2026-12-01 – 2026-12-31']);
  const saved = await admin<{ title: string; value: unknown; validity: unknown }>('/admin/coupon-templates/five-off');
  assert.deepEqual(
    [saved.title, saved.value, saved.validity],
    ['满 50 减 5', { type: 'amount', fen: 800 }, { type: 'fixed', from: '2026-12-01', to: '2026-12-31' }],
  );
  await noSidewaysScrolling();
  await assertAccessible(page, 'levels and coupon templates');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-levels.png', fullPage: true });

  // Deleting asks first (issued coupons keep their copy; a prize naming it no longer issues).
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: '删除 满 50 减 5' }).click();
  await page.getByRole('status').filter({ hasText: '已删除优惠券模板「满 50 减 5」' }).waitFor({ timeout: WAIT });
  assert.match(asked, /满 50 减 5.*已发出的券不受影响/);
  assert.equal((await fetch(`${stack.url}/admin/coupon-templates/five-off`, { headers: AUTH })).status, 404);
  assert.equal(await row.count(), 0);
});
