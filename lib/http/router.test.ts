import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json } from './response';
import { decodePathParam } from './pathParam';
import { compileRoutes, matchRoute, MAX_PATH_PARAM_CHARS } from './router';

const routes = compileRoutes([
  { method: 'GET', path: '/admin/members/{openid}', run: async () => json(200, {}) },
  { method: 'POST', path: '/admin/coupons/{code}/redeem', run: async () => json(200, {}) },
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
  assert.deepEqual(matchRoute(routes, 'GET', `/admin/members/${'o'.repeat(3000)}`), { status: 400, error: `openid: at most ${MAX_PATH_PARAM_CHARS} characters` });
  assert.deepEqual(matchRoute(routes, 'POST', `/admin/coupons/${'%E4%B8%AD'.repeat(MAX_PATH_PARAM_CHARS + 1)}/redeem`), { status: 400, error: `code: at most ${MAX_PATH_PARAM_CHARS} characters` });
  // Short when encoded is not what counts: 128 escapes of 中 are 128 characters, fine.
  assert.ok('params' in matchRoute(routes, 'POST', `/admin/coupons/${'%E4%B8%AD'.repeat(MAX_PATH_PARAM_CHARS)}/redeem`));
});

test('unknown paths are 404, known paths with another method 405, each with an error', () => {
  assert.deepEqual(matchRoute(routes, 'GET', '/admin/nothing'), { status: 404, error: 'no such endpoint' });
  assert.deepEqual(matchRoute(routes, 'DELETE', '/admin/members/o1'), { status: 405, error: 'method DELETE not allowed here' });
  // A malformed escape under the wrong method is still the method's refusal.
  assert.equal((matchRoute(routes, 'DELETE', '/admin/members/%') as { status: number }).status, 405);
});
