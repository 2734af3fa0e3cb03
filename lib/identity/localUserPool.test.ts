import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readUserPoolDefinition } from './localUserPool';
import { ROLES } from './roles';

test('serverless.yml declares one user pool group per role, and no other', () => {
  const groups = readUserPoolDefinition().groups.map((g) => g.GroupName);
  assert.deepEqual([...groups].sort(), [...ROLES].sort());
});

test('the app client signs in with name and password and refreshes, without a secret', () => {
  const { client, pool } = readUserPoolDefinition();
  assert.deepEqual(client.ExplicitAuthFlows, ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  assert.equal(client.GenerateSecret, false);
  assert.deepEqual(pool.UsernameAttributes, ['email']);
});
