import assert from 'node:assert/strict';
import { test } from 'node:test';
import { principalOfClaims } from './idTokenVerifier';

test('roles are the groups that are roles, in a fixed order; other groups are ignored', () => {
  const p = principalOfClaims({ sub: 's-1', email: 'a@example.com', 'cognito:username': 'uuid-1', 'cognito:groups': ['viewer', 'contractors', 'admin'] });
  assert.deepEqual(p, { username: 'a@example.com', sub: 's-1', roles: ['admin', 'viewer'], via: 'account' });
});

test('no groups: no roles; no email: the pool username', () => {
  assert.deepEqual(principalOfClaims({ sub: 's-2', 'cognito:username': 'uuid-2' }), { username: 'uuid-2', sub: 's-2', roles: [], via: 'account' });
});
