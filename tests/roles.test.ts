import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { App } from '../lib/app/createApp';
import type { CompiledRoute } from '../lib/http/router';
import { ROLES, type Role } from '../lib/identity/roles';
import type { AdminCall } from './support/handlers';
import { asPerson, tokenFor } from './support/people';
import { drained } from './support/localAws';
import { startPayStack, type PayStack } from './support/payStack';
import { ROUTE_EXAMPLES, type ExampleRequest, type ExampleStack, type RouteExample } from './support/routeExamples';

// The role matrix (issue 13): every admin route, called by every role with a request that works
// (tests/support/routeExamples.ts), as a person signed in through cognito-local (tests/support/people.ts). A role the route allows gets 2xx; any other role gets 403 naming
// the roles needed, and the table is the same item for item afterwards; the same request then
// passes for an admin, so the 403 was about the role and nothing else.

let stack: PayStack;
let app: App;
let routes: CompiledRoute[];

before(async () => {
  // One row imports in the request; two make a background job (GET /admin/members/import/{jobId}).
  stack = await startPayStack({ IMPORT_SYNC_MAX_ROWS: '1' });
  app = await (await import('../lib/app/containerApp')).containerApp();
  routes = (await import('../lib/app/adminApi')).adminRoutes(app);
});
after(async () => {
  await stack?.close();
});

const keyOf = (r: Pick<CompiledRoute, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** The examples, with those written ahead for other lanes' routes once their route is here. */
const exampleOf = (key: string): RouteExample | undefined => ROUTE_EXAMPLES[key];

const nameOf = (roles: Role[]) => roles.join('+') || 'a person with no role';

/** The admin API as a person with `roles`: a real cognito-local id token through the real handler. */
async function callAs(roles: Role[], method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<AdminCall> {
  return stack.handlers.admin(method, path, body, { query, headers: asPerson(await tokenFor(roles)) });
}

const examples = (role: Role = 'admin'): ExampleStack => ({ table: stack.table, admin: stack.handlers.admin, role });

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
        const req = await example(examples(role));
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
