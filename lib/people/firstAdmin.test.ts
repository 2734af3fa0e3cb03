import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminGetUserCommand, CreateUserPoolClientCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../identity/cognitoClient';
import { ensureLocalUserPool } from '../identity/localUserPool';
import { cognitoDirectory } from './cognitoDirectory';
import { ensureFirstAdmin } from './firstAdmin';

// Against cognito-local (npm test starts it), in a pool of this test's own, as npm start does it.
const endpoint = process.env.COGNITO_ENDPOINT!;

async function freshPool() {
  const { userPoolId } = await ensureLocalUserPool({ endpoint, poolName: `first-admin-${Date.now()}-${Math.random()}` });
  const client = cognitoClient({ endpoint }, 'us-east-1');
  return { client, userPoolId, directory: cognitoDirectory(client, { userPoolId, globalSignOut: false }) };
}

test('an empty pool gets an admin with a generated password, shown once; the next start finds the admin', async () => {
  const { client, userPoolId, directory } = await freshPool();
  const first = await ensureFirstAdmin(directory, { email: 'boss@example.com' });
  assert.ok(first.ok && first.value.outcome === 'created');
  const password = first.value.outcome === 'created' ? first.value.password : undefined;
  assert.ok(password && password.length >= 16);
  const { ClientId } = (await client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'check' }))).UserPoolClient!;
  const signIn = await client.send(
    new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'boss@example.com', PASSWORD: password } }),
  );
  assert.ok(signIn.AuthenticationResult?.IdToken, 'the printed password signs in without a challenge');
  const again = await ensureFirstAdmin(directory, { email: 'boss@example.com' });
  assert.deepEqual(again, { ok: true, value: { outcome: 'had-admin' } });
});

test('a password from the configuration is used and not echoed', async () => {
  const { client, userPoolId, directory } = await freshPool();
  const made = await ensureFirstAdmin(directory, { email: 'owner@example.com', password: 'From-dot-env-123' });
  assert.deepEqual(made, { ok: true, value: { outcome: 'created', email: 'owner@example.com' } });
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'owner@example.com' }));
  assert.equal(user.UserStatus, 'CONFIRMED');
});
