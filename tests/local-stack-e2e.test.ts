import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Browser, Page } from 'playwright-core';
import { businessDay } from '../lib/clock/timeZone';
import { assertAccessible } from './support/accessibility';
import { launchChromium } from '../sandbox/testing/browser';
import { waitFor } from './support/localSqs';

// The console against the whole local stack as `npm start` runs it (scripts/start.ts: DynamoDB Local,
// local-aws-sqs, the sandbox, serverless-offline with its schedules and serverless-offline-sqs), on
// free ports and a fresh data directory: followers follow and write through the sandbox's chat API
// (the real callback), an operator signs in, reads the dashboard, adjusts points, has a campaign
// refused and then saved, and sends a broadcast that the send worker delivers from the queue. Every
// page is checked with axe-core. Ctrl-C (SIGINT) stops it all and frees the ports.
const TOKEN = 'stack-e2e-admin-token';
const TZ = 'Asia/Shanghai';
const WAIT = 20_000;

let stack: ChildProcess;
let output = '';
let ports: Record<'dynamo' | 'sqs' | 'sandbox' | 'http' | 'lambda' | 'websocket' | 'cognito', number>;
let dataDir: string;
let browser: Browser;
let page: Page;
const run = Date.now().toString(36);
const alice = `o_stack_alice_${run}`;
const bob = `o_stack_bob_${run}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const url = (port: number, path: string) => `http://localhost:${port}${path}`;
async function asFollower(openid: string, body: unknown) {
  const r = await fetch(url(ports.sandbox, `/sandbox/followers/${openid}/messages`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text) as { status?: number; reply?: { content?: string } | null; push?: { mode?: string } };
}
const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

before(async () => {
  ports = {
    dynamo: await freePort(),
    sqs: await freePort(),
    sandbox: await freePort(),
    http: await freePort(),
    lambda: await freePort(),
    websocket: await freePort(),
    cognito: await freePort(),
  };
  dataDir = mkdtempSync(join(tmpdir(), 'stack-e2e-'));
  // Only what a developer's shell has: the stack reads the rest from .env.example.
  const { PATH, HOME, JAVA_HOME } = process.env;
  stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      PATH,
      HOME,
      ...(JAVA_HOME ? { JAVA_HOME } : {}),
      DATA_DIR: dataDir,
      ADMIN_TOKEN: TOKEN,
      ACCOUNT_TIME_ZONE: TZ,
      DYNAMODB_PORT: String(ports.dynamo),
      SQS_PORT: String(ports.sqs),
      SANDBOX_PORT: String(ports.sandbox),
      HTTP_PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      WEBSOCKET_PORT: String(ports.websocket),
      COGNITO_PORT: String(ports.cognito),
      WECHAT_API_BASE: url(ports.sandbox, ''),
      CALLBACK_URL: url(ports.http, '/wechat'),
      WECHATPAY_BASE: url(ports.sandbox, ''),
      WECHATPAY_NOTIFY_URL: url(ports.http, '/pay/notify'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout!.on('data', (d: Buffer) => (output += String(d)));
  stack.stderr!.on('data', (d: Buffer) => (output += String(d)));
  await waitFor(
    () => (output.includes('Ctrl-C stops everything.') ? true : stack.exitCode !== null ? `npm start exited ${stack.exitCode}:\n${output}` : 'starting'),
    { timeoutMs: 180_000, intervalMs: 250, what: 'npm start' },
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  page.on('pageerror', (err) => console.error('[console page error]', err));
});

after(async () => {
  await browser?.close();
  if (stack && stack.exitCode === null) {
    const exited = new Promise((r) => stack.once('exit', r));
    stack.kill('SIGINT');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('followers follow and write through the chat API; the callback under serverless-offline answers', async () => {
  assert.match(output, /demo configuration loaded/);
  assert.match(output, /menu published to the sandbox/);
  await asFollower(alice, { type: 'event', event: 'subscribe' });
  await asFollower(bob, { type: 'event', event: 'subscribe' });
  const answer = await asFollower(alice, { type: 'text', content: '你好' });
  assert.ok(answer.reply, `the account answered: ${JSON.stringify(answer)}`);
  // .env.example sets WECHAT_MESSAGE_MODE=safe: the sandbox pushes encrypted, and a plain push is refused.
  assert.equal(answer.push?.mode, 'aes');
  const plain = await asFollower(alice, { type: 'text', content: '你好', mode: 'plain' });
  assert.equal(plain.status, 401, JSON.stringify(plain));
  assert.equal(plain.reply, null);
});

test('the first admin npm start printed signs in through the admin API', async () => {
  const printed = /first admin: (\S+)\n\[start\] password:\s+(\S+)/.exec(output);
  assert.ok(printed, `npm start printed the first admin:\n${output.slice(-3000)}`);
  const [, username, password] = printed;
  const signIn = await fetch(url(ports.http, '/admin/session'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(signIn.status, 200);
  const { idToken } = (await signIn.json()) as { idToken: string };
  const me = (await (await fetch(url(ports.http, '/admin/me'), { headers: { authorization: `Bearer ${idToken}` } })).json()) as {
    roles: string[];
    via: string;
  };
  assert.deepEqual([me.roles, me.via], [['admin'], 'account']);
});

test("the printed first admin signs in to the console; the dashboard charts today's follows from the real callback", async () => {
  const [, username, password] = /first admin: (\S+)\n\[start\] password:\s+(\S+)/.exec(output) ?? [];
  assert.ok(username && password, 'npm start printed the first admin');
  await page.goto(url(ports.http, '/console/'));
  await page.getByLabel('账号（邮箱）').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('navigation', { name: '主导航' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('[data-who]').innerText(), username);
  assert.equal(await page.locator('[data-roles]').innerText(), '管理员');
  assert.equal(await page.locator('[data-timezone]').innerText(), TZ);
  const today = businessDay(Date.now(), TZ);
  const chart = page.getByRole('img', { name: '关注人数变化' });
  await chart.waitFor({ timeout: WAIT });
  const todayPoint = chart.locator(`[data-series="newFollowers"] circle[data-day="${today}"]`);
  assert.equal(await todayPoint.getAttribute('data-value'), '2');
  assert.equal(await page.locator('[data-figure="newFollowers"] dd').innerText(), '2');
  await assertAccessible(page, 'dashboard');
});

test('members: a points adjustment shows in the ledger', async () => {
  await page.getByRole('link', { name: '会员' }).click();
  await page.getByLabel('openid、手机号、unionid 或标签').fill(alice);
  await page.getByLabel('openid、手机号、unionid 或标签').press('Enter');
  const balance = page.locator('[data-balance]');
  await balance.waitFor({ timeout: WAIT });
  const before = Number(await balance.innerText());
  await page.getByLabel('变动').fill('30');
  await page.getByLabel('原因').fill('到店补偿');
  await page.getByLabel('原因').press('Enter');
  await page
    .getByRole('status')
    .filter({ hasText: `已调整，当前余额 ${before + 30}` })
    .waitFor({ timeout: WAIT });
  const first = await page.locator('table.ledger tbody tr').first().locator('td').allInnerTexts();
  assert.deepEqual(first.slice(2), ['+30', '到店补偿', String(before + 30)]);
  await assertAccessible(page, 'members');
});

test('campaigns: a reward for following is refused next to its field, then the draft is saved', async () => {
  await page.getByRole('link', { name: '红包活动' }).click();
  await page.getByLabel('活动名称').fill('周末红包雨');
  await page.getByLabel('触发事件').selectOption('subscribe');
  await page.getByRole('button', { name: '保存草稿' }).click();
  const refusal = page.locator(`#${await page.getByLabel('触发事件').getAttribute('id')}-error`);
  await refusal.filter({ hasText: '诱导关注' }).waitFor({ timeout: WAIT });
  await page.getByLabel('触发事件').selectOption('');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByRole('status').filter({ hasText: '已保存草稿「周末红包雨」' }).waitFor({ timeout: WAIT });
  assert.equal(await page.locator('tr[data-campaign]', { hasText: '周末红包雨' }).locator('[data-status]').getAttribute('data-status'), 'draft');
  await assertAccessible(page, 'campaigns');
});

test('broadcasts: sent by the dispatcher and the queue worker; the progress bar reaches 100% and the chat page has it', async () => {
  await page.getByRole('link', { name: '群发' }).click();
  await page.getByLabel('名称').fill('周六延长营业');
  await page.getByLabel('渠道').selectOption('custom');
  await page.getByLabel('消息内容').fill('本周六门店营业到 22:00');
  await page.getByLabel('避开夜间（22:00–08:00）').uncheck();
  await page.getByRole('button', { name: '安排群发' }).click();
  await page.getByRole('status').filter({ hasText: '已安排「周六延长营业」' }).waitFor({ timeout: WAIT });
  await assertAccessible(page, 'broadcasts');
  // The minute schedule would run the dispatcher within a minute; invoke it now through
  // serverless-offline's Lambda endpoint (as `aws lambda invoke` would). The send worker then runs
  // from the queue through serverless-offline-sqs.
  const lambda = new LambdaClient({ endpoint: url(ports.lambda, ''), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'wechat-oa-crm-local-broadcastDispatch', Payload: new TextEncoder().encode('{}') }));
  assert.equal(invoked.FunctionError, undefined, new TextDecoder().decode(invoked.Payload));
  const item = page.locator('li[data-broadcast]', { hasText: '周六延长营业' });
  await page.waitForFunction(() => document.querySelector('li[data-broadcast] progress')?.getAttribute('data-percent') === '100', undefined, {
    timeout: 60_000,
  });
  assert.match(await item.locator('.counts').innerText(), /^100% · 对象 2 · 已发送 2 · 跳过 0 · 失败 0$/);
  for (const openid of [alice, bob]) {
    const inbox = (await (await fetch(url(ports.sandbox, `/sandbox/followers/${openid}/inbox`))).json()) as {
      entries: { direction: string; content?: string }[];
    };
    assert.equal(inbox.entries.filter((e) => e.direction === 'in' && e.content === '本周六门店营业到 22:00').length, 1, `${openid} got it once`);
  }
});

test('the other pages pass the accessibility checks too', async () => {
  for (const [link, heading] of [
    ['召回规则', '召回规则'],
    ['等级与优惠券', '等级与优惠券'],
    ['自动回复与菜单', '自动回复规则'],
  ] as const) {
    await page.getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: heading }).first().waitFor({ timeout: WAIT });
    // Checked once the page has what it loads (no "loading" placeholder left).
    await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('加载中…'), undefined, { timeout: WAIT });
    await assertAccessible(page, link);
  }
});

test('Ctrl-C stops the whole stack and frees its ports', async () => {
  const exited = new Promise<number | null>((r) => stack.once('exit', (code) => r(code)));
  stack.kill('SIGINT');
  assert.equal(await exited, 0);
  for (const [name, port] of Object.entries(ports)) assert.ok(await portIsFree(port), `${name} port ${port} is free`);
});
