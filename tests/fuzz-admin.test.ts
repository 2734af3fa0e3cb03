/**
 * Fuzzing the real admin API (handlers/admin.ts) against DynamoDB Local and the sandbox as WeChat:
 * thousands of seeded requests over every route, with mutated paths (huge, malformed escapes,
 * prototype names, traversal), queries, headers and bodies (valid bodies with one field made hostile,
 * arbitrary JSON, broken JSON). For every request: the handler resolves, no status is ≥ 500, every
 * refusal is a JSON `{error}` without stack traces, paths or secrets.
 *
 * Side effects of refusals, two ways:
 * - phase A sends only requests that must be refused (no or wrong token, malformed escapes, overlong
 *   path parameters, bodies that are not JSON): the whole table is the same item for item afterwards;
 * - phase B mixes everything; each case writes its own marker into every string it sends, and no
 *   marker of a refused case may appear anywhere in the table afterwards (while accepted ones do).
 *
 * Seeded: a failure prints the seed and the shrunk case, and reruns the same way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from '../lib/http/response';
import { loadDemoConfig } from '../lib/setup/loadDemoConfig';
import type { Table } from '../lib/store/dynamo';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { campaignBody } from './support/campaigns';
import { captureOutput } from './support/captureOutput';
import { eventXml, httpEvent, pushEvent } from './support/pushes';
import { TEST_CONFIG, useTestTable } from './support/testTable';

const SEED = 20_261_203;
const BATCH = 40;
const RUNS_A = 25; // 1,000 requests that must be refused
const RUNS_B = 60; // 2,400 mixed requests
const SECRETS = [TEST_CONFIG.WECHAT_TOKEN, TEST_CONFIG.WECHAT_APPSECRET, TEST_CONFIG.WECHAT_ENCODING_AES_KEY, TEST_CONFIG.ADMIN_TOKEN];
const AUTH = `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`;

let table: Table;
let sandbox: Sandbox;
let handleAdmin: (e: APIGatewayProxyEventV2) => Promise<HttpResult>;
let handleWeChat: typeof import('../handlers/wechat').handler;

const SEEDED = ['o_fz_1', 'o_fz_2', 'o_fz_3'];

before(async () => {
  sandbox = createSandbox({ callbackUrl: 'http://127.0.0.1:9/wechat' });
  await sandbox.listen(0);
  table = await useTestTable({ WECHAT_API_BASE: sandbox.url });
  await loadDemoConfig(table, JSON.parse(readFileSync('config/demo.json', 'utf8')), Date.now());
  ({ handler: handleAdmin } = await import('../handlers/admin'));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
  for (const openid of SEEDED) assert.equal((await handleWeChat(pushEvent(eventXml(openid, 'subscribe')))).statusCode, 200);
  const call = (method: string, path: string, body: unknown) =>
    handleAdmin(httpEvent(method, path, {}, JSON.stringify(body), { authorization: AUTH, 'content-type': 'application/json' }));
  assert.equal((await call('POST', '/admin/coupon-templates', { id: 'fz-tea', title: '茶', validity: { type: 'days', days: 30 } })).statusCode, 201);
  assert.equal((await call('POST', '/admin/campaigns', campaignBody({ bestLuckPrize: undefined }))).statusCode, 201);
});

after(() => sandbox?.close());

// ---------------------------------------------------------------------------------------------
// What a request is
// ---------------------------------------------------------------------------------------------
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/** Every route (path with `{param}`), and a body that passes its schema, to mutate. */
const ROUTES: Array<[string, string, (mark: string) => unknown]> = [
  ['GET', '/admin/account', () => undefined],
  ['GET', '/admin/autoreply-rules', () => undefined],
  [
    'POST',
    '/admin/autoreply-rules',
    (m) => ({
      id: `r-${m}`,
      name: `规则 ${m}`,
      match: { type: 'contains', pattern: `营业${m}` },
      reply: { type: 'text', content: `每天营业 ${m}` },
      priority: 5,
    }),
  ],
  [
    'POST',
    '/admin/autoreply-rules',
    (m) => ({
      id: `n-${m}`,
      match: { type: 'regex', pattern: `^菜单${m}$` },
      reply: {
        type: 'news',
        articles: [{ title: `今日 ${m}`, description: `d ${m}`, picUrl: `https://example.com/p/${m}.png`, url: `https://example.com/a/${m}` }],
      },
      activeHours: { start: '09:00', end: '21:00' },
      tags: { add: [`t${m}`], remove: [] },
    }),
  ],
  ['POST', '/admin/autoreply-rules', (m) => ({ id: `i-${m}`, match: { type: 'exact', pattern: `图${m}` }, reply: { type: 'image', mediaId: `media-${m}` } })],
  ['POST', '/admin/autoreply-rules/try', (m) => ({ text: `营业时间 ${m}` })],
  ['PUT', '/admin/autoreply-rules/{id}', (m) => ({ match: { type: 'exact', pattern: `x${m}` }, reply: { type: 'text', content: `y${m}` } })],
  ['DELETE', '/admin/autoreply-rules/{id}', () => undefined],
  ['GET', '/admin/menu', () => undefined],
  [
    'PUT',
    '/admin/menu',
    (m) => ({
      button: [
        { type: 'click', name: '签到', key: `K_${m}` },
        { type: 'view', name: '网站', url: `https://example.com/${m}` },
        {
          name: '更多',
          sub_button: [
            { type: 'miniprogram', name: '小程序', url: 'https://example.com', appid: 'wx1234567890abcdef', pagepath: `pages/${m}` },
            { type: 'article_id', name: '文章', article_id: `a_${m}` },
          ],
        },
      ],
    }),
  ],
  ['POST', '/admin/menu/publish', () => undefined],
  ['GET', '/admin/members/search', () => undefined],
  ['GET', '/admin/members', () => undefined],
  ['GET', '/admin/members/{openid}', () => undefined],
  ['DELETE', '/admin/members/{openid}', () => undefined],
  ['GET', '/admin/members/{openid}/export', () => undefined],
  ['GET', '/admin/members/{openid}/points', () => undefined],
  ['POST', '/admin/members/{openid}/points', (m) => ({ delta: 5, reason: `fuzz ${m}`, idempotencyKey: `k-${m}` })],
  ['GET', '/admin/members/{openid}/levels', () => undefined],
  ['PUT', '/admin/members/{openid}/tags', (m) => ({ add: [`t${m}`], remove: [] })],
  [
    'PUT',
    '/admin/members/{openid}/attributes',
    (m) => ({ region: `上海${m}`.slice(0, 32), birthdayMonth: 5, purchaseCategories: [`c${m}`], nickname: `n${m}`.slice(0, 32) }),
  ],
  ['POST', '/admin/members/{openid}/coupons', (m) => ({ templateId: 'fz-tea', idempotencyKey: `c-${m}` })],
  ['GET', '/admin/members/{openid}/wallet', () => undefined],
  ['POST', '/admin/members/{openid}/wallet/withdraw', (m) => ({ idempotencyKey: `w-${m}`, amountFen: 50 })],
  ['POST', '/admin/coupons/{code}/redeem', () => undefined],
  ['GET', '/admin/coupon-templates', () => undefined],
  ['POST', '/admin/coupon-templates', (m) => ({ id: `t-${m}`, title: `券 ${m}`, validity: { type: 'days', days: 30 } })],
  [
    'POST',
    '/admin/coupon-templates',
    (m) => ({
      id: `v-${m}`,
      title: `菜 ${m}`,
      value: { type: 'item', item: `红烧肉 ${m}` },
      validity: { type: 'fixed', from: '2026-12-01', to: '2026-12-31' },
      description: `说明 ${m}`,
    }),
  ],
  ['PUT', '/admin/coupon-templates/{id}', (m) => ({ title: `九折 ${m}`, value: { type: 'percent', percent: 10 }, validity: { type: 'endOfWeek' } })],
  ['DELETE', '/admin/coupon-templates/{id}', () => undefined],
  ['GET', '/admin/levels', () => undefined],
  ['PUT', '/admin/levels', (m) => ({ levels: [{ name: '普通' }, { name: `银${m}`.slice(0, 16), minLifetimePoints: 100 }] })],
  ['GET', '/admin/points-policy', () => undefined],
  ['PUT', '/admin/points-policy', () => ({ expiry: { type: 'days', days: 365 } })],
  ['POST', '/admin/segments/preview', (m) => ({ segment: { all: [{ subscribed: true }, { tag: `t${m}`.slice(0, 32) }] }, sampleSize: 5 })],
  ['GET', '/admin/stats/daily', () => undefined],
  ['GET', '/admin/campaigns', () => undefined],
  ['POST', '/admin/campaigns', (m) => campaignBody({ name: `红包 ${m}`, bestLuckPrize: undefined })],
  [
    'POST',
    '/admin/campaigns',
    (m) =>
      campaignBody({
        name: `红包 ${m}`,
        description: `说明 ${m}`,
        bestLuckPrize: { couponTemplateId: 'fz-tea', validUntil: 'endOfWeek' },
        levelMultipliers: { [`银${m}`.slice(0, 16)]: 2 },
        mechanics: { type: `m${m}`.slice(0, 32) },
      }),
  ],
  ['GET', '/admin/campaigns/{id}', () => undefined],
  ['PUT', '/admin/campaigns/{id}', (m) => ({ ...campaignBody({ name: `改 ${m}`, bestLuckPrize: undefined }), version: 1 })],
  ['POST', '/admin/campaigns/{id}/schedule', () => undefined],
  ['POST', '/admin/campaigns/{id}/pause', () => undefined],
  ['GET', '/admin/campaigns/{id}/report', () => undefined],
  ['GET', '/admin/schemas/campaign', () => undefined],
  ['POST', '/admin/campaigns/preview-split', () => ({ round: { packets: 5, totalFen: 100, split: 'lucky', minFen: 10, maxFen: 50 }, samples: 2 })],
  ['GET', '/admin/wallet-policy', () => undefined],
  ['PUT', '/admin/wallet-policy', () => ({ withdrawMinFen: 100 })],
  ['GET', '/admin/broadcasts', () => undefined],
  [
    'POST',
    '/admin/broadcasts',
    (m) => ({ message: { channel: 'custom', text: `hi ${m}` }, segment: { tag: `t${m}`.slice(0, 32) }, sendAt: 'now', quietHours: null }),
  ],
  [
    'POST',
    '/admin/broadcasts',
    (m) => ({
      name: `通知 ${m}`,
      message: {
        channel: 'template',
        templateId: `tpl-${m}`,
        data: { thing1: `活动 ${m}`, time2: { value: '2026-12-01', color: '#000000' } },
        url: `https://example.com/${m}`,
      },
      segment: { any: [{ level: { in: ['普通'] } }, { source: `s${m}` }] },
      sendAt: '2030-01-01T09:00',
      frequencyCap: { max: 2, days: 7 },
    }),
  ],
  [
    'POST',
    '/admin/broadcasts',
    (m) => ({
      message: { channel: 'mass', mediaId: `media-${m}` },
      segment: { not: { tag: `t${m}` } },
      sendAt: 'now',
      quietHours: { start: '22:00', end: '08:00' },
    }),
  ],
  [
    'POST',
    '/admin/broadcasts',
    (m) => ({
      message: { channel: 'custom', text: `hi ${m}`, outsideWindow: { templateId: `tpl-${m}`, data: { thing1: `x ${m}` } } },
      segment: {
        all: [
          { region: `上海${m}`.slice(0, 32) },
          { purchaseCategory: `c${m}`.slice(0, 32) },
          { birthdayMonth: { in: [1, 2] } },
          { pointsBalance: { gte: 1 } },
          { dormantDays: { lte: 30 } },
        ],
      },
      sendAt: 'now',
    }),
  ],
  ['GET', '/admin/broadcasts/{id}', () => undefined],
  ['POST', '/admin/broadcasts/{id}/cancel', () => undefined],
  ['POST', '/admin/broadcasts/{id}/preview', (m) => ({ openids: [`o${m}`] })],
  ['GET', '/admin/send-policy', () => undefined],
  ['PUT', '/admin/send-policy', () => ({ ratePerSecond: 100, massMonthlyQuota: 4 })],
  ['GET', '/admin/schemas/broadcast', () => undefined],
  ['GET', '/admin/reengagement-rules', () => undefined],
  [
    'PUT',
    '/admin/reengagement-rules',
    (m) => ({
      rules: [
        {
          id: `d-${m}`
            .toLowerCase()
            .replace(/[^a-z0-9-]/g, '')
            .slice(0, 40),
          name: `回归 ${m}`,
          trigger: { type: 'dormant', days: 14 },
          notice: { text: `想你了 ${m}` },
        },
      ],
    }),
  ],
  [
    'PUT',
    '/admin/reengagement-rules',
    (m) => ({
      rules: [
        {
          id: 'expiring',
          name: `到期 ${m}`,
          trigger: { type: 'pointsExpiring', withinDays: 7 },
          segment: { tag: `t${m}`.slice(0, 32) },
          notice: { text: `{points} 积分 ${m}`, template: { templateId: `tpl-${m}`, data: { thing1: `{points} ${m}` }, url: `https://example.com/${m}` } },
          benefit: { couponTemplateId: 'fz-tea' },
          cooldownDays: 7,
          attributionDays: 7,
          runAt: '10:00',
        },
      ],
    }),
  ],
  ['GET', '/admin/reengagement-rules/{id}/report', () => undefined],
  [
    'POST',
    '/admin/members/import',
    (m) => ({ rows: [{ phone: '+86 139-0000-0001', name: `韩${m}`, lifetimeSpendFen: 1200, channel: 'online-shop', externalId: `shop-${m}` }] }),
  ],
  ['GET', '/admin/members/import/{jobId}', () => undefined],
];

/** A path parameter: a real one, this case's own, or something hostile. */
const paramArb = (mark: string): fc.Arbitrary<{ raw: string; hostile: boolean }> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SEEDED, 'welcome', 'fz-tea', 'fallback').map((raw) => ({ raw, hostile: false })) },
    { weight: 3, arbitrary: fc.constant({ raw: `o${mark}`, hostile: false }) },
    // Refused by the router whatever the route: too long, or not a valid escape.
    {
      weight: 3,
      arbitrary: fc
        .constantFrom('o'.repeat(3000), `${mark}${'中'.repeat(129)}`, '%', '%zz', 'o%E4%B8', `${mark}%`, '%41'.repeat(200), `${mark}%C0%80`)
        .map((raw) => ({ raw, hostile: true })),
    },
    // Odd but valid: each route decides (mostly "not found").
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          '__proto__',
          'constructor',
          'toString',
          '..',
          '%2e%2e',
          `%2F${mark}`,
          '%00',
          `${mark}%20%20`,
          encodeURIComponent(`😀${mark}`),
          'hasOwnProperty',
        )
        .map((raw) => ({ raw, hostile: false })),
    },
  );

/** Values that break assumptions, each carrying the case's marker when it is a string. */
const hostileValue = (mark: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      `${mark}${'x'.repeat(3000)}`,
      `${mark}${'中'.repeat(5000)}`,
      `${mark}${'y'.repeat(70_000)}`,
      `__proto__${mark}`,
      `constructor`,
      `{constructor}${mark}`,
      `&toString;${mark}`,
      `${mark}\u0000\ud800`,
      `${mark}]]></xml>`,
    ),
    fc.constantFrom(null, true, 0, -1, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, 1.5),
    fc.constant([]),
    fc.constant({}),
    fc.constant(JSON.parse(`{"__proto__": {"polluted": "${mark}"}, "constructor": {"prototype": {"p": "${mark}"}}}`)),
    fc.constant(Array.from({ length: 500 }, (_, i) => `${mark}-${i}`)),
    fc.constant(JSON.parse('['.repeat(200) + ']'.repeat(200))),
    fc.string({ maxLength: 40 }).map((s) => `${mark}${s}`),
  );

type BodyPlan =
  | { kind: 'template'; edit: 'set' | 'delete' | 'add'; at: number; key: string; value: unknown }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; text: string }
  | { kind: 'none' };

const bodyPlanArb = (mark: string): fc.Arbitrary<BodyPlan> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('template' as const),
        edit: fc.constantFrom('set' as const, 'delete' as const, 'add' as const),
        at: fc.nat(),
        key: fc.constantFrom('__proto__', 'constructor', 'id', `k${mark}`, 'segment', 'openids', 'rows'),
        value: hostileValue(mark),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('template' as const),
        edit: fc.constant('set' as const),
        at: fc.constant(-1),
        key: fc.constant(''),
        value: fc.constant(undefined),
      }),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'json' as const, value: typeof v === 'string' ? `${mark}${v}` : v })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('{', '{"a":', `{"${mark}": }`, 'null', '[]', '""', 'true', '\u0000', `${mark}`, '{"a":1}{"b":2}', `{"segment": "${mark}"}`),
          fc.string({ maxLength: 80 }).map((s) => `${mark}${s}`),
        )
        .map((text) => ({ kind: 'raw' as const, text })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );

/** Leaves of a JSON value, as paths. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v))
    v.forEach((x, i) => {
      paths(x, [...at, i], out);
    });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function edit(template: unknown, plan: Extract<BodyPlan, { kind: 'template' }>): unknown {
  if (template === undefined || plan.at < 0) return template;
  const copy = JSON.parse(JSON.stringify(template)) as unknown;
  const all = paths(copy).filter((p) => p.length > 0);
  if (all.length === 0) return plan.value;
  const path = all[plan.at % all.length]!;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy as Record<string | number, unknown>);
  const last = path.at(-1)!;
  if (plan.edit === 'set') parent[last] = plan.value;
  else if (plan.edit === 'delete') delete parent[last];
  else if (parent && typeof parent === 'object' && !Array.isArray(parent))
    Object.defineProperty(parent, plan.key, { value: plan.value, enumerable: true, configurable: true, writable: true });
  return copy;
}

const headerArb = fc.record({
  auth: fc.oneof(
    { weight: 12, arbitrary: fc.constant(AUTH) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'Bearer',
        `Bearer ${TEST_CONFIG.ADMIN_TOKEN}x`,
        `bearer   ${TEST_CONFIG.ADMIN_TOKEN}`,
        `Basic ${TEST_CONFIG.ADMIN_TOKEN}`,
        `Bearer ${'a'.repeat(10_000)}`,
      ),
    },
  ),
  authName: fc.constantFrom('authorization', 'Authorization', 'AUTHORIZATION'),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    undefined,
    'text/csv',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'APPLICATION/JSON',
    '\u0000',
  ),
  extra: fc.dictionary(
    fc.constantFrom('x-forwarded-for', 'host', 'content-length', 'x-amz-date', 'cookie', '__proto__', 'constructor'),
    fc.string({ maxLength: 30 }),
    { maxKeys: 3 },
  ),
});

const queryArb = (mark: string) =>
  fc.dictionary(
    fc.constantFrom('q', 'segment', 'limit', 'cursor', 'from', 'to', 'state', '__proto__', 'constructor'),
    fc.oneof(
      fc.constantFrom(
        '1',
        '0',
        '-1',
        '201',
        '1e9',
        'NaN',
        '',
        '2026-12-01',
        '9999-99-99',
        '{"tag":"x"}',
        '{"constructor":{}}',
        '{"__proto__":{}}',
        'eyJwayI6Ik1FTUJFUiMifQ',
        `${mark}${'c'.repeat(3000)}`,
      ),
      fc.string({ maxLength: 30 }).map((s) => `${mark}${s}`),
    ),
    { maxKeys: 3 },
  );

interface Built {
  event: APIGatewayProxyEventV2;
  mark: string;
  mustRefuse: boolean;
  what: string;
}

let caseNo = 0;
const nextMark = () => `zq${(++caseNo).toString(36)}x`;

const caseArb = fc
  .record({
    route: fc.nat(ROUTES.length - 1),
    method: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS, 'PATCH', 'HEAD') }),
    seed: fc.nat(),
  })
  .chain(({ route, method, seed }) => {
    const mark = `zq${seed.toString(36)}x`;
    return fc.record({
      route: fc.constant(route),
      method: fc.constant(method),
      mark: fc.constant(mark),
      params: fc.array(paramArb(mark), { minLength: 2, maxLength: 2 }),
      query: queryArb(mark),
      headers: headerArb,
      body: bodyPlanArb(mark),
    });
  });
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): Built {
  // A fresh marker per built request (shrinking replays a case: its marker must still be its own).
  const mark = nextMark();
  const swap = (s: string) => s.split(c.mark).join(mark);
  const [routeMethod, template, bodyOf] = ROUTES[c.route]!;
  const method = c.method ?? routeMethod;
  let i = 0;
  let hostilePath = false;
  const path = template.replace(/\{\w+\}/g, () => {
    const p = c.params[i++ % c.params.length]!;
    hostilePath ||= p.hostile;
    return swap(p.raw);
  });
  let raw: string | undefined;
  let badJson = false;
  switch (c.body.kind) {
    case 'template': {
      const v = edit(bodyOf(mark), c.body);
      raw = v === undefined ? undefined : swap(JSON.stringify(v));
      break;
    }
    case 'json':
      raw = swap(JSON.stringify(c.body.value));
      break;
    case 'raw':
      raw = swap(c.body.text);
      badJson = (() => {
        try {
          JSON.parse(raw);
          return false;
        } catch {
          return raw !== '';
        }
      })();
      break;
    case 'none':
      raw = undefined;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers.extra))
    Object.defineProperty(headers, k, { value: swap(v), enumerable: true, configurable: true, writable: true });
  if (c.headers.auth !== undefined) headers[c.headers.authName] = c.headers.auth;
  if (c.headers.contentType !== undefined) headers['content-type'] = c.headers.contentType;
  const query = Object.fromEntries(Object.entries(c.query).map(([k, v]) => [k, swap(v)]));
  // The scheme is case-insensitive and may be followed by several spaces (RFC 7235): still the token.
  const authorized = c.headers.auth !== undefined && new RegExp(`^bearer\\s+${TEST_CONFIG.ADMIN_TOKEN}$`, 'i').test(c.headers.auth.trim());
  const jsonType = c.headers.contentType === undefined || c.headers.contentType.toLowerCase().includes('json');
  const isRoute = ROUTES.some(([m, p]) => m === method && p === template);
  // Refused whatever else the request says: no token; or (with the token) a route that exists
  // with a hostile parameter, or a body the API cannot read as JSON.
  const mustRefuse = !authorized || (isRoute && (hostilePath || (badJson && jsonType && method !== 'GET')));
  const event = httpEvent(method, path, query, raw, headers);
  event.rawQueryString = new URLSearchParams(query).toString();
  return { event, mark, mustRefuse, what: `${method} ${path.slice(0, 120)} q=${JSON.stringify(query).slice(0, 120)} body=${String(raw).slice(0, 200)}` };
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------
function assertSafe(res: HttpResult, what: string): void {
  assert.ok(res.statusCode < 500, `status ${res.statusCode} for ${what}: ${String(res.body).slice(0, 300)}`);
  const body = String(res.body ?? '');
  for (const s of SECRETS) assert.ok(!body.includes(s), `a secret in the answer to ${what}`);
  if (res.statusCode >= 400) {
    let parsed: unknown;
    assert.doesNotThrow(() => (parsed = JSON.parse(body)), `a ${res.statusCode} body is JSON: ${body.slice(0, 200)}`);
    assert.equal(typeof (parsed as { error?: unknown }).error, 'string', `{error} for ${what}: ${body.slice(0, 200)}`);
    assert.doesNotMatch(body, /\n\s+at |\\n\s+at /, 'no stack trace');
    assert.doesNotMatch(body, /\/work\/|node_modules|file:\/\/|\.ts:\d+/, 'no file paths');
  }
}

async function scanAll(): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

async function run(builtCases: Built[]) {
  return Promise.all(
    builtCases.map(async (b) => {
      try {
        return { b, res: await handleAdmin(b.event) };
      } catch (err) {
        assert.fail(`handler threw ${String(err)} for ${b.what}`);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------------
test(`phase A: ${BATCH * RUNS_A} requests that must be refused are refused, and the table is item for item the same`, async () => {
  const refusalArb = caseArb.filter((c) => build(c).mustRefuse);
  const before = await scanAll();
  let refused = 0;
  const { output } = await captureOutput(() =>
    fc.assert(
      fc.asyncProperty(fc.array(refusalArb, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        for (const { b, res } of await run(cases.map(build))) {
          assertSafe(res, b.what);
          assert.ok(res.statusCode >= 400, `a request that had to be refused was answered ${res.statusCode}: ${b.what}`);
          refused++;
        }
      }),
      { seed: SEED, numRuns: RUNS_A, interruptAfterTimeLimit: 180_000, markInterruptAsFailure: true },
    ),
  );
  assert.ok(refused >= BATCH * RUNS_A);
  for (const s of SECRETS) assert.ok(!output.includes(s), 'a secret was logged');
  const afterwards = await scanAll();
  assert.equal(afterwards.length, before.length, 'no item added or removed');
  assert.deepEqual(afterwards, before, 'no item changed');
});

test(`phase B: ${BATCH * RUNS_B} mixed requests: none ≥ 500, refusals JSON, no refused request left its marker in the table`, async () => {
  const outcomes: { mark: string; status: number; method: string }[] = [];
  const { output } = await captureOutput(() =>
    fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        for (const { b, res } of await run(cases.map(build))) {
          assertSafe(res, b.what);
          if (b.mustRefuse) assert.ok(res.statusCode >= 400, `answered ${res.statusCode}: ${b.what}`);
          outcomes.push({ mark: b.mark, status: res.statusCode, method: b.event.requestContext.http.method });
        }
      }),
      { seed: SEED + 1, numRuns: RUNS_B, interruptAfterTimeLimit: 300_000, markInterruptAsFailure: true },
    ),
  );
  for (const s of SECRETS) assert.ok(!output.includes(s), 'a secret was logged');
  const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length;
  const statuses = [...new Set(outcomes.map((o) => o.status))].sort().map((s) => `${s}: ${count((o) => o.status === s)}`);
  // Enough of everything happened for the run to mean something.
  for (const s of [200, 400, 401, 404])
    assert.ok(count((o) => o.status === s) > 20, `status ${s} seen ${count((o) => o.status === s)} times (${statuses.join(', ')})`);
  assert.ok(count((o) => o.status === 201) > 20, `${count((o) => o.status === 201)} creations`);

  // The audit log records refused attempts too (what was tried, by whom): by design, not a leak.
  const table = (await scanAll()).filter((i) => !/"pk":"AUDIT(LOG|OF)#/.test(i)).join('\n');
  const refused = outcomes.filter((o) => o.status >= 400);
  for (const o of refused) assert.ok(!table.includes(o.mark), `a refused request (${o.status}) left its marker ${o.mark} in the table`);
  // The check can fail: accepted writes did leave their markers.
  const written = outcomes.filter((o) => o.status < 300 && o.method !== 'GET' && table.includes(o.mark)).length;
  assert.ok(written > 20, `${written} accepted writes found in the table`);
});

test('phase C: every field of every valid body, made huge (3,000 to 390,000 characters, 1,000 items), is refused or stored, never a 500', async () => {
  const huge = ['x'.repeat(3000), 'x'.repeat(390_000), '中'.repeat(300_000)];
  let sent = 0;
  const statuses = new Map<number, number>();
  for (const [method, template, bodyOf] of ROUTES) {
    const mark = nextMark();
    const body = bodyOf(mark);
    if (body === undefined) continue;
    const path = template.replace(/\{\w+\}/g, () => SEEDED[0]!);
    for (const at of paths(body).filter((p) => p.length > 0)) {
      const original = at.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], body);
      // Huge on its own, and huge while keeping the field's shape (a URL stays a URL, a name a name).
      const grown = typeof original === 'string' ? huge.map((h) => `${original}${h}`) : [];
      for (const value of [...huge.map((h) => `${mark}${h}`), ...grown, Array.from({ length: 1000 }, (_, i) => `${mark}${i}`)]) {
        const copy = JSON.parse(JSON.stringify(body)) as Record<string | number, unknown>;
        const parent = at.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
        parent[at.at(-1)!] = value;
        const what = `${method} ${template} with ${at.join('.')} = ${Array.isArray(value) ? '1000 items' : `${String(value).length} characters`}`;
        const res = await handleAdmin(httpEvent(method, path, {}, JSON.stringify(copy), { authorization: AUTH, 'content-type': 'application/json' })).catch(
          (err: unknown) => assert.fail(`handler threw ${String(err)} for ${what}`),
        );
        assertSafe(res, what);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        sent++;
      }
    }
  }
  assert.ok(sent > 300, `${sent} requests`);
  assert.ok((statuses.get(400) ?? 0) > sent / 2, `mostly refused: ${JSON.stringify([...statuses])}`);
});
