/**
 * Fuzzing the console handler (handlers/console.ts, through its Lambda entry point): thousands of
 * seeded paths (escapes good and bad, traversal, huge, unicode, prototype names), methods and
 * headers. For every request: no status ≥ 500, the security headers on every answer, a JSON error
 * on every refusal, a 200 serves exactly one of the built files (index.html for the app's routes),
 * and the file cache is still exactly console/dist afterwards.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Context } from 'aws-lambda';
import type { HttpResult } from '../lib/http/response';
import { httpEvent } from './support/pushes';

const SEED = 20_261_204;
let consoleHandler: typeof import('../handlers/console');
let dist: Map<string, Buffer>;

before(async () => {
  execFileSync(process.execPath, ['scripts/build-console.mjs'], { stdio: 'ignore' });
  dist = new Map(readdirSync('console/dist').map((f) => [f, readFileSync(join('console/dist', f))]));
  consoleHandler = await import('../handlers/console');
});

const segmentArb = fc.oneof(
  fc.constantFrom(
    'app.js',
    'styles.css',
    'index.html',
    'members',
    'campaigns',
    'o_123',
    '..',
    '.',
    '',
    '%2e%2e',
    '%2F',
    '%5c',
    '%00',
    '%',
    '%zz',
    '%E4%B8',
    '%C0%80',
    '%ED%A0%80',
    '__proto__',
    'constructor',
    'toString.js',
    'hasOwnProperty',
    '.env',
    'package.json',
    'x.JS',
    'app.js.map',
    ';',
    '?',
    '#',
    '中文',
    '😀',
    '%F0%9F%98%80',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer({ min: 200, max: 20_000 }).map((n) => 'a'.repeat(n)),
);
const caseArb = fc.record({
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constant('GET') },
    { weight: 1, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'get', 'TRACE') },
  ),
  prefix: fc.constantFrom('/console/', '/console', '/console//', '/console/./', '/console/../', '/CONSOLE/'),
  segments: fc.array(segmentArb, { maxLength: 5 }),
  ext: fc.constantFrom('', '', '.js', '.css', '.html', '.png', '.json', '.svg', '.map', '.txt'),
  headers: fc.dictionary(
    fc.constantFrom('accept', 'range', 'if-none-match', 'accept-encoding', 'cookie', 'authorization', '__proto__', 'x-forwarded-proto', 'host'),
    fc.string({ maxLength: 40 }),
    { maxKeys: 4 },
  ),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function request(c: Case) {
  const path = c.prefix + c.segments.join('/') + c.ext;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) Object.defineProperty(headers, k, { value: v, enumerable: true, configurable: true, writable: true });
  return { path, event: httpEvent(c.method, path, {}, undefined, headers) };
}

test('fuzz: 4,000 requests to the console handler', async () => {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.array(caseArb, { minLength: 100, maxLength: 100 }), async (cases) => {
      for (const c of cases) {
        const { path, event } = request(c);
        const what = `${c.method} ${path.slice(0, 200)}`;
        const res = (await consoleHandler.handler(event, { awsRequestId: 'fuzz' } as Context)) as HttpResult;
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode < 500, `${res.statusCode} for ${what}: ${String(res.body).slice(0, 200)}`);
        const h = res.headers ?? {};
        assert.match(String(h['content-security-policy']), /default-src 'none'/, what);
        assert.equal(h['x-frame-options'], 'DENY', what);
        assert.equal(h['x-content-type-options'], 'nosniff', what);
        if (res.statusCode >= 400) {
          assert.equal(typeof JSON.parse(String(res.body)).error, 'string', what);
          continue;
        }
        assert.equal(res.statusCode, 200, what);
        if (event.requestContext.http.method.toUpperCase() === 'HEAD') continue;
        const served = res.isBase64Encoded ? Buffer.from(String(res.body), 'base64') : Buffer.from(String(res.body), 'utf8');
        assert.ok(
          [...dist.values()].some((f) => f.equals(served)),
          `${what} served something that is not a built file`,
        );
      }
    }),
    { seed: SEED, numRuns: 40 },
  );
  assert.ok((seen.get(200) ?? 0) > 500 && (seen.get(404) ?? 0) > 100 && (seen.get(400) ?? 0) > 100 && (seen.get(405) ?? 0) > 50, JSON.stringify([...seen]));
  assert.deepEqual(await consoleHandler.cachedFileNames(), [...dist.keys()].sort(), 'the cache is console/dist, nothing more');
});
