import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateGroupCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { adminAuth, loadHandlers } from './support/handlers';
import { asPerson, createPerson, idTokenOf, poolClient } from './support/people';
import { useTestTable } from './support/testTable';

// A stage set up like production where it matters here: ADMIN_BREAK_GLASS off, and a user pool of
// its own whose app client issues id tokens that have expired when they are issued (validity -1 s,
// which cognito-local takes), so expiry is proven on real tokens without waiting.
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let person: { email: string; password: string };
let clientId: string;

before(async () => {
  const c = poolClient();
  const userPoolId = (await c.send(new CreateUserPoolCommand({ PoolName: `expiring-${Date.now()}`, UsernameAttributes: ['email'] }))).UserPool!.Id!;
  clientId = (
    await c.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'admin-api',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        IdTokenValidity: -1,
        TokenValidityUnits: { IdToken: 'seconds' },
      }),
    )
  ).UserPoolClient!.ClientId!;
  await c.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'admin' }));
  person = await createPerson(['admin'], { userPoolId });
  await useTestTable({ ADMIN_BREAK_GLASS: 'off', COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId });
  handlers = await loadHandlers();
});

describe('a production-like stage', () => {
  test('the break-glass token is refused when ADMIN_BREAK_GLASS is off', async () => {
    const res = await handlers.admin('GET', '/admin/me', undefined, { headers: adminAuth });
    assert.equal(res.status, 401);
    assert.equal(res.headers?.['www-authenticate'], 'Bearer');
  });

  test('an expired id token is a 401 that says to refresh or sign in again', async () => {
    const token = await idTokenOf(person.email, person.password, clientId);
    const res = await handlers.admin('GET', '/admin/me', undefined, { headers: asPerson(token) });
    assert.equal(res.status, 401);
    assert.match(res.body.error, /expired/);
  });

  test('signing in where the pool issues an expired token answers 401, not a session', async () => {
    const res = await handlers.admin('POST', '/admin/session', { username: person.email, password: person.password }, { headers: {} });
    assert.equal(res.status, 401);
    assert.match(res.body.error, /expired/);
  });
});
