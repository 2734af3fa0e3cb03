import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json } from './response';
import { decodePathParam } from './pathParam';
import { compileRoutes, matchRoute, MAX_PATH_PARAM_CHARS } from './router';

const routes = compileRoutes([
  { method: 'GET', path: '/admin/members/{openid}', roles: [], run: async () => json(200, {}) },
  { method: 'POST', path: '/admin/coupons/{code}/redeem', roles: [], run: async () => json(200, {}) },
]);

test('parameters are percent-decoded', () => {
  const m = matchRoute(routes, 'GET', '/admin/members/o%E4%B8%AD%20x');
  assert.ok('params' in m);
  assert.deepEqual(m.params, { openid: 'o中 x' });
});

test('a malformed escape is a 400 naming the parameter, not a thrown URIError', () => {
  for (const raw of ['%', '%zz', 'o%E4%B8', '%C0%80', 'abc%', '%%41', '%uD800', '%ED%A0%80']) {
    const m = matchRoute(routes, 'GET', `/admin/members/${raw}`);
    assert.deepEqual(m, { status: 400, error: 'openid: not a valid percent-encoded path segment' }, raw);
  }
  assert.equal(decodePathParam('%E4%B8'), undefined);
});

test(`a parameter longer than ${MAX_PATH_PARAM_CHARS} characters (after decoding) is a 400 before any use case runs`, () => {
  assert.ok('params' in matchRoute(routes, 'GET', `/admin/members/${'o'.repeat(MAX_PATH_PARAM_CHARS)}`));
  assert.deepEqual(matchRoute(routes, 'GET', `/admin/members/${'o'.repeat(3000)}`), {
    status: 400,
    error: `openid: at most ${MAX_PATH_PARAM_CHARS} characters`,
  });
  assert.deepEqual(matchRoute(routes, 'POST', `/admin/coupons/${'%E4%B8%AD'.repeat(MAX_PATH_PARAM_CHARS + 1)}/redeem`), {
    status: 400,
    error: `code: at most ${MAX_PATH_PARAM_CHARS} characters`,
  });
  // Short when encoded is not what counts: 128 escapes of 中 are 128 characters, fine.
  assert.ok('params' in matchRoute(routes, 'POST', `/admin/coupons/${'%E4%B8%AD'.repeat(MAX_PATH_PARAM_CHARS)}/redeem`));
});

test('unknown paths are 404, known paths with another method 405, each with an error', () => {
  assert.deepEqual(matchRoute(routes, 'GET', '/admin/nothing'), { status: 404, error: 'no such endpoint' });
  assert.deepEqual(matchRoute(routes, 'DELETE', '/admin/members/o1'), { status: 405, error: 'method DELETE not allowed here' });
  // A malformed escape under the wrong method is still the method's refusal.
  assert.equal((matchRoute(routes, 'DELETE', '/admin/members/%') as { status: number }).status, 405);
});

test('a literal segment beats a parameter whatever the order of the routes', () => {
  const run = (name: string) => async () => json(200, { name });
  const member = { method: 'GET' as const, path: '/admin/members/{openid}', roles: [], run: run('member') };
  const search = { method: 'GET' as const, path: '/admin/members/search', roles: [], run: run('search') };
  const job = { method: 'GET' as const, path: '/admin/members/import/{jobId}', roles: [], run: run('job') };
  const levels = { method: 'GET' as const, path: '/admin/members/{openid}/levels', roles: [], run: run('levels') };
  for (const order of [
    [member, search, job, levels],
    [levels, job, search, member],
  ]) {
    const compiled = compileRoutes(order);
    const at = (path: string) => {
      const m = matchRoute(compiled, 'GET', path);
      assert.ok('route' in m, path);
      return { path: m.route.path, params: m.params };
    };
    assert.deepEqual(at('/admin/members/search'), { path: '/admin/members/search', params: {} });
    assert.deepEqual(at('/admin/members/o1'), { path: '/admin/members/{openid}', params: { openid: 'o1' } });
    assert.deepEqual(at('/admin/members/import/levels'), { path: '/admin/members/import/{jobId}', params: { jobId: 'levels' } });
    assert.deepEqual(at('/admin/members/o1/levels'), { path: '/admin/members/{openid}/levels', params: { openid: 'o1' } });
    assert.deepEqual(at('/admin/members/search/'), { path: '/admin/members/search', params: {} });
  }
});

test('a literal route of another method does not hide a parameter route of this one', () => {
  const compiled = compileRoutes([
    { method: 'POST', path: '/admin/members/import', roles: [], run: async () => json(202, {}) },
    { method: 'DELETE', path: '/admin/members/{openid}', roles: [], run: async () => json(200, {}) },
  ]);
  const m = matchRoute(compiled, 'DELETE', '/admin/members/import');
  assert.ok('route' in m);
  assert.deepEqual(m.params, { openid: 'import' });
  assert.deepEqual(matchRoute(compiled, 'GET', '/admin/members/import'), { status: 405, error: 'method GET not allowed here' });
});

test('two routes of one method that match the same paths equally are refused when compiled', () => {
  const run = async () => json(200, {});
  assert.throws(
    () =>
      compileRoutes([
        { method: 'GET', path: '/admin/rules/{id}', roles: [], run },
        { method: 'GET', path: '/admin/rules/{ruleId}', roles: [], run },
      ]),
    /ambiguous routes: GET \/admin\/rules\/\{id\} and GET \/admin\/rules\/\{ruleId\}/,
  );
  assert.throws(
    () =>
      compileRoutes([
        { method: 'POST', path: '/admin/a/{x}/b', roles: [], run },
        { method: 'POST', path: '/admin/a/{y}/b/', roles: [], run },
      ]),
    /ambiguous routes/,
  );
  assert.throws(
    () =>
      compileRoutes([
        { method: 'PUT', path: '/admin/menu', roles: [], run },
        { method: 'PUT', path: '/admin/menu', roles: [], run },
      ]),
    /ambiguous routes/,
  );
  // Another method, another literal, or another length is not ambiguous.
  assert.doesNotThrow(() =>
    compileRoutes([
      { method: 'GET', path: '/admin/rules/{id}', roles: [], run },
      { method: 'PUT', path: '/admin/rules/{id}', roles: [], run },
      { method: 'GET', path: '/admin/rules/try', roles: [], run },
      { method: 'GET', path: '/admin/rules/{id}/report', roles: [], run },
    ]),
  );
});

test('paths match whole segments only', () => {
  for (const path of ['//admin/members/o1', '/admin/members/o1//', '/admin//members/o1', 'admin/members/o1', '/admin/members/', '/admin/members/o1/x']) {
    assert.deepEqual(matchRoute(routes, 'GET', path), { status: 404, error: 'no such endpoint' }, path);
  }
});
