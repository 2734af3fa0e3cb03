import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { scheduleCampaign } from './support/campaigns';
import { startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';
import { loadHandlers } from './support/handlers';
import { seedMembers } from './support/members';
import { eventXml, pushEvent, textXml } from './support/pushes';
import { TEST_CONFIG } from './support/testTable';
import { assertAccessible } from './support/accessibility';

// The visual segment editor on the members page (its live count from /admin/segments/preview, the
// first page of members from /admin/members?segment=…) and a member's level history, coupons and
// wallet, in headless Chromium over the real admin API. Members for segments are written with
// seedMembers; the member page's data goes through the callback and the admin API (points that cross
// two level thresholds, coupons issued from a template, a wallet red packet grabbed by a text).
// SCREENSHOTS=1 refreshes docs/console-segments.png and docs/console-members.png.
let stack: ConsoleStack;
let page: Page;
const detail = `o_detail_${Date.now()}`;
const codes: string[] = [];

/** Members for the segment tests: tag 试吃 on six of them, levels spread over 普通, 银卡 and 金卡. */
const SEEDED = [
  { openid: 'seg_gold_1', tags: ['试吃'], level: '金卡' },
  { openid: 'seg_gold_2', tags: ['试吃'], level: '金卡' },
  { openid: 'seg_gold_3', tags: ['试吃', '常客'], level: '金卡' },
  { openid: 'seg_plain_1', tags: ['试吃'], level: '普通' },
  { openid: 'seg_plain_2', tags: ['试吃'], level: '普通' },
  { openid: 'seg_silver_1', tags: ['试吃'], level: '银卡' },
  { openid: 'seg_gold_notag_1', tags: [], level: '金卡' },
  { openid: 'seg_gold_notag_2', tags: [], level: '金卡', subscribed: false },
];

before(async () => {
  stack = await startConsoleStack(async (table) => {
    await seedMembers(table, SEEDED, Date.now());
    const { admin, handleWeChat } = await loadHandlers();
    // The member page's member: follows through the callback, then 600 + 1,500 points: 普通 → 银卡 → 金卡
    // (the red packet in between, while a silver member's share is not multiplied).
    const grant = async (delta: number) =>
      assert.equal((await admin('POST', `/admin/members/${detail}/points`, { delta, reason: '到店消费', idempotencyKey: `seed-${delta}` })).status, 201);
    assert.equal((await handleWeChat(pushEvent(eventXml(detail, 'subscribe')))).statusCode, 200);
    await grant(600);
    // Two coupons from one template.
    assert.equal((await admin('POST', '/admin/coupon-templates', { id: 'free-tea', title: '免费柠檬茶', validity: { type: 'days', days: 30 } })).status, 201);
    for (const key of ['c1', 'c2']) {
      const issued = await admin('POST', `/admin/members/${detail}/coupons`, { templateId: 'free-tea', idempotencyKey: key });
      assert.equal(issued.status, 201, JSON.stringify(issued.body));
      codes.push(issued.body.code as string);
    }
    // 3 yuan into the wallet: a wallet-mode red packet grabbed with its keyword.
    await scheduleCampaign(admin, {
      trigger: { keywords: ['钱包红包'] },
      round: { packets: 1, totalFen: 300, split: 'equal', minFen: 300, maxFen: 300 },
      payout: { mode: 'wallet' },
      bestLuckPrize: undefined,
    });
    assert.equal((await handleWeChat(pushEvent(textXml(detail, '钱包红包')))).statusCode, 200);
    assert.equal((await admin('GET', `/admin/members/${detail}/wallet`)).body.balanceFen, 300);
    await grant(1500);
  });
  page = stack.page;
  await stack.signIn();
});

after(() => stack?.close());

const count = (n: number) =>
  page
    .getByRole('status')
    .filter({ hasText: `符合条件的会员：${n} 位` })
    .waitFor({ timeout: WAIT });
const row = (name: string) => page.getByRole('group', { name, exact: true });
const memberRows = () => page.locator('table.segment-list tbody tr');

async function adminGet(path: string) {
  const r = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}` } });
  return r.json() as Promise<Record<string, unknown>>;
}

/** The text that names the focused element: its label, aria-label or text. */
async function focusedName(p: Page): Promise<string> {
  return p.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el) return '';
    return el.getAttribute('aria-label') ?? (el.labels?.[0]?.textContent || el.textContent || '').trim();
  });
}

async function errorIn(scope: Locator, label: string) {
  const id = await scope.getByLabel(label, { exact: true }).getAttribute('id');
  return page.locator(`#${id}-error`);
}

test('segments: tag + level built visually, the count and the member list follow every change, a refused range is shown at its row', async () => {
  await page.getByRole('link', { name: '会员' }).click();
  await page.getByRole('heading', { name: '按条件筛选会员' }).waitFor({ timeout: WAIT });
  // The default segment: every follower (seven seeded followers and the member who followed).
  await count(8);

  // Condition 1: tag 试吃 → six members.
  await row('条件 1').getByLabel('类型').selectOption('tag');
  await row('条件 1').getByLabel('标签', { exact: true }).fill('试吃');
  await count(6);
  await page.waitForFunction(() => document.querySelectorAll('table.segment-list tbody tr').length === 6, null, { timeout: WAIT });

  // Condition 2: level 金卡 → the three gold members with the tag.
  await page.getByRole('button', { name: '添加条件', exact: true }).click();
  assert.equal(await focusedName(page), '类型', 'the new row takes the focus');
  await row('条件 2').getByLabel('类型').selectOption('level');
  await row('条件 2').getByRole('checkbox', { name: '金卡' }).check();
  await count(3);
  await page.waitForFunction(() => document.querySelectorAll('table.segment-list tbody tr').length === 3, null, { timeout: WAIT });
  assert.deepEqual((await memberRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member')))).sort(), [
    'seg_gold_1',
    'seg_gold_2',
    'seg_gold_3',
  ]);

  // Silver too → four; "any of" → the tag or gold/silver: six tagged, two untagged gold (one unfollowed), the member page's gold member.
  await row('条件 2').getByRole('checkbox', { name: '银卡' }).check();
  await count(4);
  await page.getByLabel('会员需满足').selectOption('any');
  await count(9);
  await page.getByLabel('会员需满足').selectOption('all');
  await count(4);
  const json = JSON.parse(await page.getByLabel('分群条件（JSON）').inputValue());
  assert.deepEqual(json, { all: [{ tag: '试吃' }, { level: { in: ['金卡', '银卡'] } }] }, 'the JSON view follows the visual editor');

  // A range the API refuses (at least 500, at most 100): its message under that row's field, no count.
  await page.getByRole('button', { name: '添加条件', exact: true }).click();
  await row('条件 3').getByLabel('类型').selectOption('pointsBalance');
  await row('条件 3').getByLabel('至少').fill('500');
  await row('条件 3').getByLabel('至多').fill('100');
  const refused = await errorIn(row('条件 3'), '至少');
  await page.waitForFunction((id) => document.getElementById(id)?.textContent === 'gte must not be above lte', (await refused.getAttribute('id'))!, {
    timeout: WAIT,
  });
  assert.equal(await row('条件 3').getByLabel('至少').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.segment-count').innerText(), '');
  await page.getByRole('button', { name: '删除条件 3' }).click();
  await count(4);
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 0, 'the refusal went with its row');

  // NOT on the level: tagged members who are neither gold nor silver.
  await row('条件 2').getByLabel('排除（不满足此条件）').check();
  await count(2);
  await page.waitForFunction(() => document.querySelectorAll('table.segment-list tbody tr').length === 2, null, { timeout: WAIT });
  assert.deepEqual((await memberRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member')))).sort(), ['seg_plain_1', 'seg_plain_2']);
  await assertAccessible(page, 'the segment builder');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-segments.png', fullPage: true });

  // A phone keeps the editor inside the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  assert.ok(widths.page <= widths.screen, `no sideways scrolling on a phone: ${JSON.stringify(widths)}`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Each listed member opens its page.
  await page.getByRole('link', { name: 'seg_plain_1', exact: true }).click();
  await page.locator('[data-balance]').waitFor({ timeout: WAIT });
  assert.ok(page.url().endsWith('/console/members/seg_plain_1'));
});

test('segments: a segment deeper than the visual editor opens as JSON; JSON the editor can show comes back as rows', async () => {
  await page.goto(`${stack.url}/console/members`);
  await count(8);
  await page.getByText('高级：以 JSON 编辑').click();
  const json = page.getByLabel('分群条件（JSON）');
  await json.fill(JSON.stringify({ all: [{ any: [{ all: [{ tag: '试吃' }, { level: { in: ['金卡'] } }] }, { tag: '常客' }] }] }));
  await page.getByText('这个分群条件的嵌套超出了可视化编辑器的范围').waitFor({ timeout: WAIT });
  await count(3);
  assert.equal(await page.getByRole('button', { name: '添加条件', exact: true }).isVisible(), false, 'the rows are hidden while they cannot show the segment');
  await json.fill('{"any": [{"tag": "常客"}, {"not": {"subscribed": true}}]}');
  await row('条件 2').waitFor({ timeout: WAIT });
  await count(2);
  assert.equal(await row('条件 2').getByLabel('排除（不满足此条件）').isChecked(), true);
  assert.equal(await row('条件 2').getByLabel('状态').inputValue(), 'true');
  await json.fill('{"tag": ');
  await page.getByRole('alert').filter({ hasText: '分群条件格式不正确' }).waitFor({ timeout: WAIT });
  // A key the language does not have: the API's message, next to the JSON.
  await json.fill('{"colour": "red"}');
  await page.getByRole('alert').filter({ hasText: 'unknown segment key' }).waitFor({ timeout: WAIT });
  assert.equal(await json.getAttribute('aria-invalid'), 'true');
});

test('segments: keyboard only, add a condition and a group and tick a level (Tab, Enter, Space, arrows)', async () => {
  await page.goto(`${stack.url}/console/members`);
  await count(8);
  await page.getByLabel('会员需满足').focus();
  const tabTo = async (name: string, key: 'Tab' | 'Shift+Tab' = 'Tab') => {
    for (let i = 0; i < 12 && (await focusedName(page)) !== name; i++) await page.keyboard.press(key);
    assert.equal(await focusedName(page), name);
  };
  await tabTo('添加条件');
  await page.keyboard.press('Enter');
  await row('条件 2').waitFor({ timeout: WAIT });
  assert.equal(await focusedName(page), '类型');
  // tag is first in the list, level second.
  await page.keyboard.press('ArrowDown');
  assert.equal(await row('条件 2').getByLabel('类型').inputValue(), 'level');
  await row('条件 2').getByRole('checkbox', { name: '金卡' }).waitFor({ timeout: WAIT });
  await tabTo('金卡');
  await page.keyboard.press('Space');
  // Followers at gold: three tagged, one untagged (the other unfollowed), the member page's member.
  await count(5);

  // A group (any of): Enter on its button, then two tags typed into its rows.
  await tabTo('添加条件组（任一）');
  await page.keyboard.press('Enter');
  await row('条件组 3').waitFor({ timeout: WAIT });
  await tabTo('标签');
  await page.keyboard.type('常客');
  await page.keyboard.press('Tab');
  await tabTo('标签');
  await page.keyboard.type('没有人');
  await count(1);
  const json = JSON.parse(await page.getByLabel('分群条件（JSON）').inputValue());
  assert.deepEqual(json, { all: [{ subscribed: true }, { level: { in: ['金卡'] } }, { any: [{ tag: '常客' }, { tag: '没有人' }] }] });
  // Remove the group from the keyboard (its button is in its header): the focus moves to the row before it.
  await tabTo('删除条件组 3', 'Shift+Tab');
  await page.keyboard.press('Space');
  await count(5);
  assert.equal(await focusedName(page), '类型');
});

test('member page: level history, coupons (one redeemed here), the wallet (a refused, then a real withdrawal)', async () => {
  await page.goto(`${stack.url}/console/members/${detail}`);
  await page.getByRole('heading', { name: '等级变化' }).waitFor({ timeout: WAIT });
  const levels = page.locator('table.level-history tbody tr');
  assert.deepEqual(
    await levels.evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('td'))
          .slice(1)
          .map((td) => td.textContent),
      ),
    ),
    [
      ['银卡', '金卡'],
      ['普通', '银卡'],
    ],
  );

  // Coupons: both valid; redeem one from here.
  const coupons = page.locator('table.coupons tbody tr');
  assert.equal(await coupons.count(), 2);
  assert.deepEqual(await coupons.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))), ['valid', 'valid']);
  assert.equal(await coupons.first().locator('td').nth(2).innerText(), '免费 柠檬茶');
  const code = codes[0]!;
  await page.getByRole('button', { name: `核销 ${code}` }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `已核销 ${code}` })
    .waitFor({ timeout: WAIT });
  assert.equal(await page.locator(`tr[data-coupon="${code}"]`).getAttribute('data-state'), 'redeemed');
  assert.equal(await page.locator(`tr[data-coupon="${code}"] td`).nth(4).innerText(), '已核销');
  assert.equal(await page.getByRole('button', { name: `核销 ${code}` }).count(), 0);
  const stored = (await adminGet(`/admin/members/${detail}/coupons?status=all`)) as { coupons: { code: string; state: string; redeemedBy?: string }[] };
  const redeemed = stored.coupons.find((c) => c.code === code);
  assert.deepEqual([redeemed?.state, redeemed?.redeemedBy], ['redeemed', 'console']);

  // Wallet: the red packet's 3 yuan; 0.5 is below the threshold (the API's refusal under the field).
  assert.equal(await page.locator('[data-wallet-balance]').innerText(), '¥3.00');
  const entries = page.locator('table.wallet tbody tr');
  assert.equal(await entries.count(), 1);
  const amount = page.getByLabel('提现金额（元）');
  await amount.fill('0.5');
  await amount.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'a withdrawal needs at least 100 fen; the balance is 300 fen' }).waitFor({ timeout: WAIT });
  assert.equal(await amount.getAttribute('aria-invalid'), 'true');
  await amount.fill('');
  await page.getByRole('button', { name: '提现到微信零钱' }).click();
  await page.getByRole('status').filter({ hasText: '已发起提现 3.00 元' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-wallet-balance]').innerText(), '¥0.00');
  assert.equal(await page.locator('[data-wallet-withdrawn]').innerText(), '¥3.00');
  assert.equal(await entries.count(), 2);
  assert.deepEqual((await entries.first().locator('td').allInnerTexts()).slice(1, 3), ['-3.00', '提现']);
  assert.equal(((await adminGet(`/admin/members/${detail}/wallet`)) as { balanceFen: number }).balanceFen, 0);
  await assertAccessible(page, 'a member with level history, coupons and wallet');
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-members.png', fullPage: true });
});

test('segments: a segment of 45 members is listed a page at a time with "load more", each member once', async () => {
  await seedMembers(
    stack.table,
    Array.from({ length: 45 }, (_, i) => ({ openid: `seg_big_${String(i).padStart(2, '0')}`, tags: ['大客户'] })),
    Date.now(),
  );
  await page.getByRole('link', { name: '会员' }).click();
  await page.getByRole('heading', { name: '按条件筛选会员' }).waitFor({ timeout: WAIT });
  await row('条件 1').getByLabel('类型').selectOption('tag');
  await row('条件 1').getByLabel('标签', { exact: true }).fill('大客户');
  await count(45);
  const listed = page.locator('table.segment-list tbody tr');
  const note = page.locator('.segment-builder p.hint[role="status"]');
  await note.filter({ hasText: '已显示 20 位，还有更多' }).waitFor({ timeout: WAIT });
  assert.equal(await listed.count(), 20);
  await page.getByRole('button', { name: '加载更多' }).click();
  await note.filter({ hasText: '已显示 40 位，还有更多' }).waitFor({ timeout: WAIT });
  assert.ok(
    await page.getByRole('button', { name: '加载更多' }).evaluate((el) => el === document.activeElement),
    'focus stays on the button for the next page',
  );
  await page.keyboard.press('Enter');
  await note.filter({ hasText: '共 45 位' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('button', { name: '加载更多' }).count(), 0, 'nothing more to load');
  const openids = await listed.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member')));
  assert.equal(new Set(openids).size, 45);
  assert.ok(openids.every((o) => o?.startsWith('seg_big_')));
});
