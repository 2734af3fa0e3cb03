import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadDemoConfig } from '../../lib/setup/loadDemoConfig';
import type { Table } from '../../lib/store/dynamo';
import { createSandbox, type Sandbox } from '../../sandbox/server';
import { launchChromium } from '../../sandbox/testing/browser';
import { serveHandler } from './lambdaServer';
import { createPerson, uniqueEmail } from './people';
import { TEST_CONFIG, useTestTable } from './testTable';

export const WAIT = 15_000;

export interface ConsoleStack {
  /** The origin serving /console/ and /admin/*, as serverless-offline does on :3000. */
  url: string;
  sandbox: Sandbox;
  table: Table;
  browser: Browser;
  /** A laptop-sized page, Chinese locale, not signed in yet. */
  page: Page;
  /** Opens the console and signs in as an admin person of the test user pool (name and password). */
  signIn(): Promise<void>;
  /** A fresh tab of its own (its own sessionStorage), laptop-sized, Chinese, watched for CSP refusals like `page`. */
  newPage(): Promise<Page>;
  /** What the browser refused under the console's Content-Security-Policy (none, or the console breaks in production). */
  cspViolations: string[];
  /** Adds followers to the sandbox, so WeChat accepts what is sent to them. */
  followOnSandbox(openids: string[]): Promise<void>;
  /** The admin API over HTTP, with the admin token: status and parsed JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The operator console in headless Chromium: its built files served by handlers/console.ts and the
 * real admin API (handlers/admin.ts) on one origin, over DynamoDB Local with the demo config, and
 * the sandbox as WeChat. `seed` runs before the server starts (it may use the callback handler).
 */
export async function startConsoleStack(seed?: (table: Table) => Promise<void>, opts: { pay?: boolean; callback?: boolean } = {}): Promise<ConsoleStack> {
  execFileSync(process.execPath, ['scripts/build-console.mjs'], { stdio: 'inherit' });
  // With `callback`, followers on the sandbox push to our real callback handler (handlers/wechat.ts).
  const callback = opts.callback ? await serveHandler(async () => (await import('../../handlers/wechat')).handler) : null;
  // The WeChat API stand-in, for sends (without `callback` nothing pushes); with `pay`, its WeChat Pay too.
  const sandbox = createSandbox({ callbackUrl: callback ? `${callback.url}/wechat` : 'http://127.0.0.1:9/wechat', accountName: '味道小馆' });
  await sandbox.listen(0);
  const pay: Record<string, string> = opts.pay ? { WECHATPAY_BASE: sandbox.url, WECHATPAY_SANDBOX_KEYS: 'true', WECHATPAY_TIMEOUT_MS: '1500' } : {};
  const table = await useTestTable({ WECHAT_API_BASE: sandbox.url, ...pay });
  await loadDemoConfig(table, JSON.parse(readFileSync('config/demo.json', 'utf8')), Date.now());
  await seed?.(table);
  const { handler: handleAdmin } = await import('../../handlers/admin');
  const { handler: handleConsole } = await import('../../handlers/console');
  const server = await serveHandler(async () => (e: APIGatewayProxyEventV2) => (e.rawPath.startsWith('/admin') ? handleAdmin(e) : handleConsole(e)));
  const browser = await launchChromium();
  const cspViolations: string[] = [];
  async function newPage(): Promise<Page> {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    p.on('pageerror', (err) => console.error('[console page error]', err));
    p.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    return p;
  }
  const page = await newPage();
  let admin: Promise<{ email: string; password: string }> | undefined;
  return {
    cspViolations,
    url: server.url,
    sandbox,
    table,
    browser,
    page,
    newPage,
    async signIn() {
      admin ??= createPerson(['admin'], { email: uniqueEmail('admin') });
      await signInAs(page, server.url, await admin);
    },
    async admin(method, path, body) {
      const r = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    },
    async followOnSandbox(openids) {
      const r = await fetch(`${sandbox.url}/sandbox/followers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openids }),
      });
      assert.equal(r.status, 200);
    },
    async close() {
      await browser.close();
      await server.close();
      await sandbox.close();
      await callback?.close();
      // Every console test checks that the console works under its CSP.
      assert.deepEqual(cspViolations, [], "the browser refused something under the console's Content-Security-Policy");
    },
  };
}

/** Signs `page` in with a person's name and password (no new-password challenge) and waits for the navigation. */
export async function signInAs(page: Page, url: string, person: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel('账号（邮箱）').fill(person.email);
  await page.getByLabel('密码', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('navigation', { name: '主导航' }).waitFor({ timeout: WAIT });
}

/** The navigation's entries, in order. */
export async function navEntries(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts();
}

/** The element that shows the error of the field labelled `label` (fields link it by id). */
export async function errorOf(page: Page, label: string) {
  return page.locator(`#${await page.getByLabel(label, { exact: true }).getAttribute('id')}-error`);
}
