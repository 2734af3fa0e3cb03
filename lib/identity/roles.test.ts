import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALLOW, mayCall, rolesNeeded } from './roles';

test('admin may call anything, even a route that lists no roles', () => {
  assert.equal(mayCall({ roles: ['admin'] }, ALLOW.adminOnly), true);
  assert.deepEqual(rolesNeeded(ALLOW.adminOnly), ['admin']);
});

test('a role not listed may not call; one of several roles is enough', () => {
  assert.equal(mayCall({ roles: ['viewer'] }, ALLOW.marketing), false);
  assert.equal(mayCall({ roles: ['viewer', 'marketer'] }, ALLOW.marketing), true);
  assert.equal(mayCall({ roles: [] }, ALLOW.everyone), false);
});
