import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { assertAccessible } from './support/accessibility';
import { navEntries, signInAs, startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';
import { seedMembers } from './support/members';
import { createPerson, idTokenOf, uniqueEmail } from './support/people';

// People and roles in the console, in headless Chromium against the real admin API and the test
// user pool (cognito-local, started by `npm test`): each role signs in with name and password and
// sees only what it may do; what it does not see, the API refuses too. SCREENSHOTS=1 writes
// docs/console-<role>-*.png.
let stack: ConsoleStack;
const shots = process.env.SCREENSHOTS === '1';

before(async () => {
  stack = await startConsoleStack(async (table) => {
    await seedMembers(
      table,
      ['o_people_member', 'o_people_regular'].map((openid) => ({ openid, tags: ['常客'] })),
      Date.now(),
    );
  });
});
after(async () => {
  await stack?.close();
});

/** The admin API as a person (their own id token, not the console's). */
async function asPerson(person: { email: string; password: string }, method: string, path: string, body?: unknown) {
  const token = await idTokenOf(person.email, person.password);
  const r = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as { error?: string; rolesNeeded?: string[] } };
}

async function open(page: Page, path: string) {
  await page.goto(`${stack.url}/console/${path}`);
  await page.getByRole('navigation', { name: '主导航' }).waitFor({ timeout: WAIT });
}

async function signedInPage(person: { email: string; password: string }): Promise<Page> {
  const page = await stack.newPage();
  await signInAs(page, stack.url, person);
  return page;
}

test('a viewer sees the dashboard and reports read-only; a page of another role says so; the API refuses what is hidden', async () => {
  const viewer = await createPerson(['viewer']);
  const page = await signedInPage(viewer);
  // Who is signed in and their role, translated.
  assert.equal(await page.locator('[data-who]').innerText(), viewer.email);
  assert.equal(await page.locator('[data-roles]').innerText(), '只读查看');
  assert.deepEqual(await navEntries(page), ['数据概览', '红包活动', '群发', '召回规则', '等级与优惠券', '审批']);
  await page.locator('[data-figure="newFollowers"] dd').waitFor({ timeout: WAIT });
  if (shots) await page.screenshot({ path: 'docs/console-viewer-dashboard.png', fullPage: true });

  // Levels: the fields disabled, no save button, a note saying why; no coupon templates (not the viewer's).
  await open(page, 'levels');
  await page.locator('[data-level="0"]').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-read-only]').count(), 1);
  assert.equal(await page.getByRole('button', { name: '保存等级' }).count(), 0);
  assert.equal(await page.locator('[data-level="0"] input').first().isDisabled(), true);
  assert.equal(await page.getByRole('heading', { name: '优惠券模板' }).count(), 0);
  await assertAccessible(page, 'levels, read-only');
  // …and the API refuses the save the page does not offer.
  const refused = await asPerson(viewer, 'PUT', '/admin/levels', { levels: [{ name: '新朋友' }] });
  assert.equal(refused.status, 403);
  assert.deepEqual(refused.body.rolesNeeded, ['admin', 'marketer']);

  // Broadcasts: the list, no compose form, no preview.
  await open(page, 'broadcasts');
  await page.getByRole('heading', { name: '群发列表' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('button', { name: '安排群发' }).count(), 0);
  if (shots) await page.screenshot({ path: 'docs/console-viewer-broadcasts.png', fullPage: true });

  // A page of another role, reached by its URL: said plainly, not an error.
  await open(page, 'people');
  await page.getByRole('heading', { name: '你的角色不能查看此页' }).waitFor({ timeout: WAIT });
  assert.match(await page.locator('[data-forbidden="people"]').innerText(), /“人员”需要其他角色（你的角色：只读查看）/);
  assert.equal(await page.getByRole('alert').filter({ hasText: /\S/ }).count(), 0);
  await assertAccessible(page, 'a page the role cannot see');
  assert.equal((await asPerson(viewer, 'GET', '/admin/users')).status, 403);
  await page.close();
});

test('a marketer configures campaigns and levels, reads broadcasts; an agent looks members up', async () => {
  const marketer = await createPerson(['marketer']);
  const page = await signedInPage(marketer);
  assert.equal(await page.locator('[data-roles]').innerText(), '市场');
  const nav = await navEntries(page);
  for (const entry of ['数据概览', '会员', '红包活动', '红包发放', '群发', '召回规则', '等级与优惠券', '自动回复与菜单'])
    assert.ok(nav.includes(entry), `${entry} in ${nav}`);
  for (const entry of ['审计日志', '人员']) assert.ok(!nav.includes(entry), `${entry} not in ${nav}`);

  // Levels and coupon templates: theirs to change.
  await open(page, 'levels');
  await page.getByRole('button', { name: '保存等级' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-read-only]').count(), 0);
  await page.getByRole('heading', { name: '优惠券模板' }).waitFor({ timeout: WAIT });
  if (shots) await page.screenshot({ path: 'docs/console-marketer-levels.png', fullPage: true });

  // Broadcasts are the operators': the list only, and the API refuses a new one.
  await open(page, 'broadcasts');
  await page.getByRole('heading', { name: '群发列表' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('button', { name: '安排群发' }).count(), 0);
  assert.equal(await page.locator('[data-read-only]').count(), 1);
  const refused = await asPerson(marketer, 'POST', '/admin/broadcasts', { name: 'x' });
  assert.equal(refused.status, 403);
  assert.deepEqual(refused.body.rolesNeeded, ['admin', 'operator']);

  // Payouts: listed, but retry and cancel are admin-only.
  await open(page, 'payouts');
  await page.getByRole('heading', { name: '暂缓中（自动重试）' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('button', { name: /^重试/ }).count(), 0);
  await page.close();

  const agent = await createPerson(['agent']);
  const agentPage = await signedInPage(agent);
  assert.equal(await agentPage.locator('[data-roles]').innerText(), '客服');
  assert.deepEqual(await navEntries(agentPage), ['数据概览', '客服收件箱', '会员', '自动回复与菜单']);
  await open(agentPage, 'members/o_people_member');
  await agentPage.getByRole('heading', { name: /会员资料/ }).waitFor({ timeout: WAIT });
  // Looking a member up is theirs; changing tags or points, erasure and export are not (docs/roles.md).
  await agentPage.locator('[data-balance]').waitFor({ timeout: WAIT });
  assert.equal(await agentPage.getByRole('button', { name: '添加标签' }).count(), 0);
  assert.equal(await agentPage.getByRole('heading', { name: '调整积分' }).count(), 0);
  assert.equal(await agentPage.getByRole('button', { name: '永久删除该会员' }).count(), 0);
  assert.equal(await agentPage.getByRole('heading', { name: '个人信息（PIPL）' }).count(), 0);
  await assertAccessible(agentPage, 'a member, as an agent');
  if (shots) await agentPage.screenshot({ path: 'docs/console-agent-member.png', fullPage: true });
  assert.equal((await asPerson(agent, 'POST', '/admin/members/o_people_member/points', { delta: 5, reason: 'x', idempotencyKey: 'k1' })).status, 403);
  assert.equal((await asPerson(agent, 'PUT', '/admin/members/o_people_member/tags', { add: ['常客'] })).status, 403);
  await agentPage.close();
});

test('an admin adds a person (temporary password shown once), who chooses a new password at the first sign-in; roles change; disabling is refused for oneself', async () => {
  const admin = await createPerson(['admin']);
  const page = await signedInPage(admin);
  assert.equal(await page.locator('[data-roles]').innerText(), '管理员');
  assert.deepEqual((await navEntries(page)).slice(-3), ['审批', '审计日志', '人员']);
  await open(page, 'people');
  const email = uniqueEmail('operator');
  await page.getByLabel('邮箱（登录账号）').fill(email);
  await page.getByLabel('姓名').fill('小林');
  const add = page.getByRole('group', { name: '角色', exact: true });
  // Refused without a role, under the roles.
  await page.getByRole('button', { name: '添加成员' }).click();
  await add.getByText('至少选择一个角色。').waitFor({ timeout: WAIT });
  await add.getByLabel(/^运营/).check();
  await page.getByRole('button', { name: '添加成员' }).click();
  const temporary = page.locator('[data-temporary-password]');
  await temporary.waitFor({ timeout: WAIT });
  const password = await temporary.innerText();
  assert.ok(password.length >= 8, password);
  const row = page.locator(`tr[data-person="${email}"]`);
  await row.waitFor({ timeout: WAIT });
  assert.equal(await row.getAttribute('data-enabled'), 'true');
  await row.locator('[data-first-sign-in]').waitFor({ timeout: WAIT });
  // The form is ready for the next person.
  assert.equal(await add.getByLabel(/^运营/).isChecked(), false);
  await assertAccessible(page, 'people');
  if (shots) await page.screenshot({ path: 'docs/console-admin-people.png', fullPage: true });
  // Shown once: the list, read again, does not carry it.
  await open(page, 'people');
  await page.locator(`tr[data-person="${email}"]`).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-temporary-password]').count(), 0);
  assert.ok(!(await page.content()).includes(password));

  // The new person: the temporary password, then a password of their own (typed twice).
  const newcomer = await stack.newPage();
  await newcomer.goto(`${stack.url}/console/`);
  await newcomer.getByLabel('账号（邮箱）').fill(email);
  await newcomer.getByLabel('密码', { exact: true }).fill(password);
  await newcomer.getByRole('button', { name: '登录', exact: true }).click();
  await newcomer.getByRole('heading', { name: '设置新密码' }).waitFor({ timeout: WAIT });
  await assertAccessible(newcomer, 'new password');
  if (shots) await newcomer.screenshot({ path: 'docs/console-new-password.png' });
  await newcomer.getByLabel('新密码', { exact: true }).fill('My-own-secret-77');
  await newcomer.getByLabel('再次输入新密码').fill('My-own-secret-78');
  await newcomer.getByRole('button', { name: '设置密码并登录' }).click();
  await newcomer.getByText('两次输入的新密码不一致。').waitFor({ timeout: WAIT });
  await newcomer.getByLabel('再次输入新密码').fill('My-own-secret-77');
  await newcomer.getByRole('button', { name: '设置密码并登录' }).click();
  await newcomer.getByRole('navigation', { name: '主导航' }).waitFor({ timeout: WAIT });
  assert.equal(await newcomer.locator('[data-who]').innerText(), email);
  assert.equal(await newcomer.locator('[data-roles]').innerText(), '运营');
  // Tokens in this tab's session storage only.
  const stored = await newcomer.evaluate(() => JSON.parse(sessionStorage.getItem('console.session') ?? 'null'));
  assert.equal(stored.via, 'account');
  assert.ok(stored.expiresAt > Date.now());
  assert.deepEqual(await newcomer.evaluate(() => Object.keys(localStorage).filter((k) => /session|token/i.test(k))), []);
  // The password they chose is theirs now.
  assert.ok(await idTokenOf(email, 'My-own-secret-77'));
  await newcomer.close();

  // The admin makes them an agent too (their next sign-in carries it), then disables them.
  const theirRow = page.locator(`tr[data-person="${email}"]`);
  await theirRow.getByLabel('客服').check();
  await theirRow.getByRole('button', { name: '保存角色：小林' }).click();
  await page.getByText('已保存 小林 的角色。').waitFor({ timeout: WAIT });
  const later = await signedInPage({ email, password: 'My-own-secret-77' });
  assert.equal(await later.locator('[data-roles]').innerText(), '运营、客服');
  await later.close();
  page.once('dialog', (d) => void d.accept());
  await page.locator(`tr[data-person="${email}"]`).getByRole('button', { name: '停用 小林' }).click();
  await page.getByText('已停用 小林。').waitFor({ timeout: WAIT });
  assert.equal(await page.locator(`tr[data-person="${email}"]`).getAttribute('data-enabled'), 'false');
  // Their own account: the API refuses, and the page says why.
  page.once('dialog', (d) => void d.accept());
  await page
    .locator(`tr[data-person="${admin.email}"]`)
    .getByRole('button', { name: `停用 ${admin.email}` })
    .click();
  await page.getByRole('status').filter({ hasText: 'you cannot disable yourself' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator(`tr[data-person="${admin.email}"]`).getAttribute('data-enabled'), 'true');

  // The audit log has each change: who, with which role, and what changed, readably; and exports it.
  await open(page, 'audit');
  await page.getByLabel('操作类型').fill('users.roles.put');
  await page.getByRole('button', { name: '筛选' }).click();
  // The filtered page has replaced the whole list (a row of the unfiltered one would be replaced under the click).
  await page.locator('tr[data-kind]:not([data-kind="users.roles.put"])').first().waitFor({ state: 'detached', timeout: WAIT });
  const entry = page.locator('tr[data-kind="users.roles.put"]');
  await entry.first().waitFor({ timeout: WAIT });
  assert.equal(await entry.count(), 1);
  assert.match(await entry.innerText(), new RegExp(`${admin.email}\\s+管理员`));
  assert.match(await entry.innerText(), /PUT \/admin\/users\/.+\/roles/);
  await entry.getByText('查看变更').click();
  await entry.locator('.audit-changes pre').first().waitFor({ timeout: WAIT });
  assert.match((await entry.locator('.audit-changes pre').allTextContents()).join('\n'), /"agent"/);
  await assertAccessible(page, 'audit log');
  if (shots) await page.screenshot({ path: 'docs/console-admin-audit.png', fullPage: true });
  // The people added: the answer is kept without the temporary password.
  await page.getByLabel('操作类型').fill('users.post');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.locator('tr[data-kind]:not([data-kind="users.post"])').first().waitFor({ state: 'detached', timeout: WAIT });
  await page.locator('tr[data-kind="users.post"]').first().waitFor({ timeout: WAIT });
  assert.ok(!(await page.locator('[data-audit]').innerText()).includes(password));
  const csv = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 CSV' }).click();
  const file = await (await csv).path();
  const text = readFileSync(file, 'utf8');
  assert.match(text, /users\.roles\.put/);
  assert.ok(!text.includes(password), 'the temporary password is not in the export');
  await page.close();
});

test('the console refreshes the id token shortly before it expires; when the refresh is refused (the person disabled) it signs out with the reason', async () => {
  const operator = await createPerson(['operator']);
  const page = await stack.newPage();
  // The tab's clock is Playwright's, so half an hour passes in a moment; the API's clock is real.
  await page.clock.install();
  await signInAs(page, stack.url, operator);
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('console.session') ?? 'null'));
  assert.equal(stored.via, 'account');
  assert.ok(stored.refreshToken);
  const ahead = async () =>
    (await page.evaluate(() => JSON.parse(sessionStorage.getItem('console.session') ?? 'null').expiresAt)) - (await page.evaluate(() => Date.now()));

  // Nothing before it is due…
  let refreshes = 0;
  page.on('request', (r) => void (r.url().endsWith('/admin/session/refresh') && refreshes++));
  await page.clock.fastForward((await ahead()) - 120_000);
  assert.equal(refreshes, 0);
  // …then a minute before the expiry, one refresh, and the person stays signed in.
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/admin/session/refresh'));
  await page.clock.fastForward(70_000);
  const answer = await refreshed;
  assert.equal(answer.status(), 200, await answer.text());
  assert.equal(await page.locator('[data-who]').innerText(), operator.email);
  assert.ok((await ahead()) > 60_000, 'the new id token expires later');

  // An admin disables them: the next refresh is refused and the tab signs out, saying why.
  const disabled = await stack.admin('POST', `/admin/users/${encodeURIComponent(operator.email)}/disable`);
  assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
  const refused = page.waitForResponse((r) => r.url().endsWith('/admin/session/refresh'));
  await page.clock.fastForward((await ahead()) - 30_000);
  assert.notEqual((await refused).status(), 200);
  await page.getByText('登录已过期，请重新登录。').waitFor({ timeout: WAIT });
  await page.getByLabel('账号（邮箱）').waitFor({ timeout: WAIT });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('console.session')), null);
  await assertAccessible(page, 'signed out, session expired');
  await page.close();
});

test('approvals: an operator sees their large broadcast waiting for someone else and cannot approve it; another operator approves one and rejects one with a reason', async () => {
  assert.equal((await stack.admin('PUT', '/admin/approval-policy', { broadcastMembers: 1, campaignBudgetFen: null, payoutSettings: true })).status, 200);
  const requester = await createPerson(['operator']);
  const approver = await createPerson(['operator']);
  const notice = { channel: 'template', templateId: 'service-notice', data: { thing1: '会员日' } };
  const broadcast = async (name: string) => {
    const r = await asPerson(requester, 'POST', '/admin/broadcasts', { name, message: notice, segment: { tag: '常客' }, sendAt: 'now', quietHours: null });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const made = r.body as unknown as { id: string; approval?: { id: string; state: string } };
    assert.equal(made.approval?.state, 'pending');
    return { id: made.id, approvalId: made.approval.id };
  };
  const first = await broadcast('会员日通知');

  // The requester: theirs is waiting for someone else; no buttons; the broadcast carries the badge.
  const mine = await signedInPage(requester);
  await open(mine, 'approvals');
  const waiting = mine.locator(`li[data-approval="${first.approvalId}"]`);
  await waiting.waitFor({ timeout: WAIT });
  await waiting.locator('[data-waiting]').waitFor({ timeout: WAIT });
  assert.match(await waiting.innerText(), /2 位会员（超过 1 位需审批）/);
  assert.match(await waiting.innerText(), /运营、管理员（申请人以外的人）/);
  assert.equal(await waiting.getByRole('button').count(), 0);
  if (shots) await mine.screenshot({ path: 'docs/console-operator-approvals-waiting.png', fullPage: true });
  await open(mine, 'broadcasts');
  await mine.locator(`li[data-broadcast="${first.id}"] [data-approval-state="pending"]`).filter({ hasText: '待审批' }).waitFor({ timeout: WAIT });
  // …and the API refuses their own approval, saying why.
  const self = await asPerson(requester, 'POST', `/admin/approvals/${first.approvalId}/approve`, {});
  assert.equal(self.status, 403);
  assert.match(self.body.error ?? '', /another person must decide/);

  // Another operator: approve, from the console.
  const other = await signedInPage(approver);
  await open(other, 'approvals');
  const item = other.locator(`li[data-approval="${first.approvalId}"]`);
  await item.getByRole('button', { name: '批准：群发「会员日通知」' }).waitFor({ timeout: WAIT });
  await assertAccessible(other, 'approvals, pending');
  if (shots) await other.screenshot({ path: 'docs/console-operator-approvals.png', fullPage: true });
  await item.getByRole('button', { name: '批准：群发「会员日通知」' }).click();
  await other.getByRole('status').filter({ hasText: '已批准：群发「会员日通知」' }).waitFor({ timeout: WAIT });
  const approved = other.locator(`tr[data-approval="${first.approvalId}"][data-state="approved"]`);
  await approved.waitFor({ timeout: WAIT });
  assert.match(await approved.innerText(), new RegExp(`${requester.email}[\\s\\S]*${approver.email}`));
  await open(other, 'broadcasts');
  await other.locator(`li[data-broadcast="${first.id}"] [data-approval-state="approved"]`).filter({ hasText: '已批准' }).waitFor({ timeout: WAIT });

  // A second one, rejected: a reason is needed, then it is listed with it.
  const second = await broadcast('周末促销');
  await open(other, 'approvals');
  const next = other.locator(`li[data-approval="${second.approvalId}"]`);
  await next.getByRole('button', { name: '驳回：群发「周末促销」' }).click();
  await next.getByText('驳回时请写明理由。').waitFor({ timeout: WAIT });
  await next.getByLabel('审批理由：群发「周末促销」').fill('文案需要修改');
  await next.getByRole('button', { name: '驳回：群发「周末促销」' }).click();
  const rejected = other.locator(`tr[data-approval="${second.approvalId}"][data-state="rejected"]`);
  await rejected.waitFor({ timeout: WAIT });
  assert.match(await rejected.innerText(), /文案需要修改/);
  await assertAccessible(other, 'approvals, decided');
  // The requester's page, read again: nothing of theirs waits any more.
  await open(mine, 'approvals');
  await mine.locator(`tr[data-approval="${second.approvalId}"][data-state="rejected"]`).waitFor({ timeout: WAIT });
  assert.equal(await mine.locator('li[data-approval]').count(), 0);
  await mine.close();
  await other.close();
});

test('the API answering 401 (a token it no longer accepts) signs the tab out with the message', async () => {
  const operator = await createPerson(['operator']);
  const page = await signedInPage(operator);
  // The stored id token replaced by one the pool never signed, as a rotated key would leave it.
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('console.session') ?? '{}');
    const [head, body] = String(s.token).split('.');
    sessionStorage.setItem('console.session', JSON.stringify({ ...s, token: `${head}.${body}.AAAA` }));
  });
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '群发' }).click();
  await page.getByText('登录已过期，请重新登录。').waitFor({ timeout: WAIT });
  await page.getByLabel('账号（邮箱）').waitFor({ timeout: WAIT });
  await page.close();
});
