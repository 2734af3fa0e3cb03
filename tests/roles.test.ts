import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { App } from '../lib/app/createApp';
import type { CompiledRoute } from '../lib/http/router';
import { ROLES, type Principal, type Role } from '../lib/identity/roles';
import { answerBody, type AdminCall } from './support/handlers';
import { drained } from './support/localAws';
import { startPayStack, type PayStack } from './support/payStack';
import { LANE_ROUTE_EXAMPLES, ROUTE_EXAMPLES, type ExampleRequest, type ExampleStack, type RouteExample } from './support/routeExamples';

// The role matrix (issue 13): every admin route, called by every role with a request that works
// (tests/support/routeExamples.ts). A role the route allows gets 2xx; any other role gets 403 naming
// the roles needed, and the table is the same item for item afterwards; the same request then
// passes for an admin, so the 403 was about the role and nothing else.

let stack: PayStack;
let app: App;
let routes: CompiledRoute[];
let answerAdminCall: typeof import('../lib/app/adminCall').answerAdminCall;

before(async () => {
  // One row imports in the request; two make a background job (GET /admin/members/import/{jobId}).
  stack = await startPayStack({ IMPORT_SYNC_MAX_ROWS: '1' });
  ({ answerAdminCall } = await import('../lib/app/adminCall'));
  app = await (await import('../lib/app/containerApp')).containerApp();
  routes = (await import('../lib/app/adminApi')).adminRoutes(app);
});
after(async () => {
  await stack?.close();
});

const keyOf = (r: Pick<CompiledRoute, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** The examples, with those written ahead for other lanes' routes once their route is here. */
const exampleOf = (key: string): RouteExample | undefined => ROUTE_EXAMPLES[key] ?? LANE_ROUTE_EXAMPLES[key];

/** A signed-in person with exactly these roles (none: in the user pool, in no group). */
const personWith = (roles: Role[]): Principal => {
  const name = roles.join('-') || 'nobody';
  return { username: `${name}@example.com`, sub: `sub-${name}`, roles, via: 'account' };
};
const nameOf = (roles: Role[]) => roles.join('+') || 'a person with no role';

/**
 * The admin API as a person with `roles`. Until tests/support/people.ts (real cognito-local tokens)
 * lands, the call goes in right after authentication: lib/app/adminCall.ts is everything the handler
 * does once it knows who calls (routing, the role gate, the body, the use case). With people.ts, this
 * body becomes one line:
 *   return stack.handlers.admin(method, path, body, { query, headers: { authorization: `Bearer ${await tokenFor(roles)}`, 'content-type': 'application/json' } });
 */
async function callAs(roles: Role[], method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<AdminCall> {
  const rawBody = body === undefined ? '' : JSON.stringify(body);
  const res = await answerAdminCall(app, personWith(roles), {
    method,
    path,
    query,
    requestId: `roles-${nameOf(roles)}`,
    readBody: () => ({ body: body ?? '', rawBody, contentType: 'application/json' }),
  });
  return { status: res.statusCode, body: answerBody(res), headers: res.headers };
}

const examples = (): ExampleStack => ({ table: stack.table, admin: stack.handlers.admin });

/** Every item of the table, in key order, once the background workers are idle. */
async function tableNow(): Promise<string[]> {
  await drained();
  const items: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.table.doc.send(new ScanCommand({ TableName: stack.table.name, ConsistentRead: true, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      // The audit log records refused calls too (issue 13): what a refusal must not touch is everything else.
      if (String(item.pk).startsWith('AUDIT')) continue;
      items.push(JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))));
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort();
}

const is2xx = (r: AdminCall, what: string) => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
const call = (roles: Role[], route: CompiledRoute, req: ExampleRequest) => callAs(roles, route.method, req.path, req.body, req.query);

test('every admin route has an example request, and every example is of a route that exists', () => {
  const keys = new Set(routes.map(keyOf));
  const missing = [...keys].filter((k) => !exampleOf(k));
  const stale = Object.keys(ROUTE_EXAMPLES).filter((k) => !keys.has(k));
  assert.deepEqual(missing, [], `routes without an example in tests/support/routeExamples.ts: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `examples of routes that no longer exist: ${stale.join(', ')}`);
  assert.ok(routes.length >= 60, `the admin API's routes were all found (${routes.length})`);
});

test('every admin route: its roles get 2xx; every other role and a person with no role get 403 naming the roles needed, and nothing changes', async (t) => {
  const refusedCalls: string[] = [];
  for (const route of routes) {
    await t.test(keyOf(route), async () => {
      const example = exampleOf(keyOf(route));
      assert.ok(example, `${keyOf(route)}: no example request in tests/support/routeExamples.ts`);
      const needed: Role[] = ['admin', ...route.roles];
      const allowed = ROLES.filter((r) => needed.includes(r));
      // Every other role, and a person with none (so even a route open to every role refuses someone).
      const refused: Role[][] = [...ROLES.filter((r) => !needed.includes(r)).map((r) => [r]), []];

      for (const role of allowed) {
        const req = await example(examples());
        const res = await call([role], route, req);
        is2xx(res, `${keyOf(route)} as ${role}`);
        await req.effect?.(res);
      }
      const req = await example(examples());
      const before = await tableNow();
      for (const roles of refused) {
        const res = await call(roles, route, req);
        assert.equal(res.status, 403, `${keyOf(route)} as ${nameOf(roles)}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body.rolesNeeded, needed);
        assert.deepEqual(res.body.yourRoles, roles);
        assert.match(res.body.error, new RegExp(`needs the role ${needed.join(' or ')}$`));
        refusedCalls.push(`${keyOf(route)} as ${nameOf(roles)}`);
      }
      assert.deepEqual(await tableNow(), before, `${keyOf(route)}: a refused call changed the table`);
      is2xx(await call(['admin'], route, req), `${keyOf(route)}: the request refused to ${refused.map(nameOf).join(', ')} passes for an admin`);
    });
  }
  // Every role is refused something, and none but admin may do everything.
  for (const role of ROLES.filter((r) => r !== 'admin'))
    assert.ok(
      refusedCalls.some((c) => c.endsWith(` as ${role}`)),
      `${role} is refused nothing`,
    );
});

test('without a principal the admin API answers 401 and runs nothing', async () => {
  const before = await tableNow();
  const examples = [
    ['GET', '/admin/account'],
    ['POST', '/admin/coupon-templates'],
    ['DELETE', '/admin/members/o_someone'],
  ] as const;
  for (const [method, path] of examples) {
    for (const headers of [{}, { authorization: 'Bearer not-the-token' }, { authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
      const res = await stack.handlers.admin(method, path, method === 'GET' ? undefined : {}, { headers });
      assert.equal(res.status, 401, `${method} ${path} with ${JSON.stringify(headers)}`);
      assert.equal(typeof res.body.error, 'string');
    }
  }
  assert.deepEqual(await tableNow(), before);
});
