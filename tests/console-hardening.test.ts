/**
 * The console handler under hostile paths: security headers on every answer, a JSON 4xx for what it
 * cannot serve (a malformed escape, a missing asset, another method), a cache that holds console/dist
 * and nothing a request names, an error boundary; and the built console working in Chromium under
 * its Content-Security-Policy (which the browser really enforces).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpEvent } from './support/pushes';
import { startConsoleStack, WAIT, type ConsoleStack } from './support/consoleStack';

let stack: ConsoleStack;
let consoleHandler: typeof import('../handlers/console');

before(async () => {
  stack = await startConsoleStack();
  consoleHandler = await import('../handlers/console');
});

after(() => stack?.close());

const get = (path: string, method = 'GET') => consoleHandler.handler(httpEvent(method, path));

function assertHardened(headers: Record<string, unknown> | undefined, what: string): void {
  const h = headers ?? {};
  assert.match(String(h['content-security-policy']), /default-src 'none'/, what);
  assert.match(String(h['content-security-policy']), /script-src 'self'(;|$)/, `${what}: no inline or foreign scripts`);
  assert.match(String(h['content-security-policy']), /frame-ancestors 'none'/, what);
  assert.equal(h['x-frame-options'], 'DENY', what);
  assert.equal(h['x-content-type-options'], 'nosniff', what);
}

test('every answer carries the CSP, X-Frame-Options and nosniff; refusals are JSON 4xx', async () => {
  for (const [path, method, status] of [
    ['/console/', 'GET', 200],
    ['/console/members/o1', 'GET', 200],
    ['/console/app.js', 'GET', 200],
    ['/console/styles.css', 'HEAD', 200],
    ['/console/nope.js', 'GET', 404],
    ['/console/%E4%B8', 'GET', 400],
    ['/console/%', 'GET', 400],
    ['/console/a%zzb.css', 'GET', 400],
    ['/console/', 'POST', 405],
  ] as const) {
    const res = await get(path, method);
    assert.equal(res.statusCode, status, `${method} ${path}`);
    assertHardened(res.headers as Record<string, unknown>, `${method} ${path}`);
    if (status >= 400) {
      assert.match(String(res.headers?.['content-type']), /^application\/json/);
      assert.equal(typeof JSON.parse(String(res.body)).error, 'string');
    }
  }
});

test('traversal gets nothing but the built files', async () => {
  for (const path of [
    '/console/..%2f..%2fpackage.json',
    '/console/../../package.json',
    '/console/%2e%2e/%2e%2e/.env.example',
    '/console/..%5c..%5cpackage.json',
    '/console//etc/passwd.txt',
  ]) {
    const res = await get(path);
    assert.ok(res.statusCode === 404 || (res.statusCode === 200 && /<!doctype html>/i.test(String(res.body))), `${path}: ${res.statusCode}`);
    assert.doesNotMatch(String(res.body), /"name": "wechat-oa-crm"|WECHAT_TOKEN/);
  }
});

test('the file cache holds console/dist, however many different paths are asked for', async () => {
  const dist = readdirSync('console/dist', { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  await get('/console/');
  assert.deepEqual(await consoleHandler.cachedFileNames(), dist);
  for (let i = 0; i < 3000; i++) await get(`/console/missing-${i}.js`);
  for (let i = 0; i < 500; i++) await get(`/console/route-${i}/x`);
  assert.deepEqual(await consoleHandler.cachedFileNames(), dist);
});

test('an error inside is a JSON 500 with the headers and no stack trace (the error boundary)', async () => {
  const broken = { rawPath: '/console/' } as unknown as APIGatewayProxyEventV2; // no requestContext: the handler throws
  const res = (await consoleHandler.handler(broken, { awsRequestId: 'req-1' } as Context)) as {
    statusCode: number;
    body: string;
    headers: Record<string, unknown>;
  };
  assert.equal(res.statusCode, 500);
  assert.deepEqual(JSON.parse(res.body), { error: 'internal error', requestId: 'req-1' });
  assertHardened(res.headers, 'the boundary');
});

test('in Chromium: the console signs in and every page renders under the CSP, and the CSP really refuses inline script', async () => {
  const { page } = stack;
  await stack.signIn();
  const nav = page.getByRole('navigation', { name: '主导航' });
  const links = await nav.getByRole('link').all();
  assert.ok(links.length >= 5, `${links.length} pages`);
  for (const link of links) {
    await link.click();
    await page.waitForFunction((href) => location.pathname === new URL(href, location.href).pathname, String(await link.getAttribute('href')), {
      timeout: WAIT,
    });
    // Each page fetches its data from the admin API (connect-src) and draws it.
    await page.waitForLoadState('networkidle', { timeout: WAIT });
  }
  assert.deepEqual(stack.cspViolations, [], 'nothing the console does is refused');
  // The policy is enforced (so "no violations" above means something): an inline script is refused.
  await page.addScriptTag({ content: 'window.__inlineRan = true' }).catch(() => undefined);
  assert.equal(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan), undefined);
  assert.ok(stack.cspViolations.length > 0, 'the refusal was reported');
  stack.cspViolations.length = 0;
});
