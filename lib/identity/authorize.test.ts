import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalFor } from './authorize';

const campaigns = { method: 'PUT', path: '/admin/campaigns/{id}', roles: ['marketer'] } as const;

test('a role the route lists, or admin, passes; a person with several roles passes on any of them', () => {
  assert.equal(refusalFor({ roles: ['marketer'] }, campaigns), undefined);
  assert.equal(refusalFor({ roles: ['admin'] }, campaigns), undefined);
  assert.equal(refusalFor({ roles: ['admin'] }, { ...campaigns, roles: [] }), undefined);
  assert.equal(refusalFor({ roles: ['viewer', 'marketer'] }, campaigns), undefined);
});

test('anyone else is refused with the route, the roles it needs and their own', () => {
  assert.deepEqual(refusalFor({ roles: ['operator', 'viewer'] }, campaigns), {
    error: 'PUT /admin/campaigns/{id} needs the role admin or marketer',
    rolesNeeded: ['admin', 'marketer'],
    yourRoles: ['operator', 'viewer'],
  });
  assert.deepEqual(refusalFor({ roles: [] }, { ...campaigns, roles: [] })?.rolesNeeded, ['admin']);
});
