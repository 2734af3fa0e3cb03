import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { loadHandlers } from './support/handlers';
import { asPerson, createPerson, idTokenOf, poolClient, TEST_PASSWORD, testPool, tokenFor, uniqueEmail } from './support/people';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  await useTestTable();
  handlers = await loadHandlers();
});

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  handlers.admin(method, path, body, { headers });
const me = (idToken: string) => call('GET', '/admin/me', undefined, asPerson(idToken));

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');

describe('signing in (POST /admin/session)', () => {
  test("name and password give a session whose id token opens the admin API with the person's roles", async () => {
    const { email, password } = await createPerson(['operator']);
    const res = await call('POST', '/admin/session', { username: email, password });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { username: email, sub: decode(res.body.idToken).sub, roles: ['operator'], via: 'account' });
    assert.ok(res.body.refreshToken);
    assert.ok(Date.parse(res.body.expiresAt) > Date.now(), 'expiresAt is in the future');
    assert.equal(Date.parse(res.body.expiresAt) / 1000, decode(res.body.idToken).exp);
    const who = await me(res.body.idToken);
    assert.equal(who.status, 200);
    assert.equal(who.body.username, email);
  });

  test('a wrong password and an unknown name get the same 401', async () => {
    const { email } = await createPerson(['viewer']);
    const wrongPassword = await call('POST', '/admin/session', { username: email, password: 'Not-the-password-1' });
    const unknownName = await call('POST', '/admin/session', { username: 'nobody-here@example.com', password: TEST_PASSWORD });
    assert.equal(wrongPassword.status, 401);
    assert.equal(unknownName.status, 401);
    assert.equal(wrongPassword.body.error, 'wrong name or password');
    assert.deepEqual(unknownName.body, wrongPassword.body);
  });

  test('a person who signed up but is not confirmed gets a 403 saying so', async () => {
    const email = uniqueEmail('unconfirmed');
    await poolClient().send(
      new SignUpCommand({ ClientId: testPool().clientId, Username: email, Password: TEST_PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    const res = await call('POST', '/admin/session', { username: email, password: TEST_PASSWORD });
    assert.equal(res.status, 403);
    assert.match(res.body.error, /not confirmed/);
  });

  test('a body without a password is a 400 naming the field', async () => {
    const res = await call('POST', '/admin/session', { username: 'a@example.com' });
    assert.equal(res.status, 400);
    assert.match(res.body.error, /^password/);
  });

  test('refresh gives a new id token for the same person; a bad refresh token is a 401', async () => {
    const { email, password } = await createPerson(['agent']);
    const session = (await call('POST', '/admin/session', { username: email, password })).body;
    const refreshed = await call('POST', '/admin/session/refresh', { refreshToken: session.refreshToken });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.principal.username, email);
    assert.deepEqual(refreshed.body.principal.roles, ['agent']);
    assert.equal(refreshed.body.refreshToken, session.refreshToken, 'the refresh token to keep using');
    assert.notEqual(refreshed.body.idToken, session.idToken);
    assert.equal((await me(refreshed.body.idToken)).status, 200);
    const bad = await call('POST', '/admin/session/refresh', { refreshToken: 'not-a-refresh-token' });
    assert.equal(bad.status, 401);
    assert.match(bad.body.error, /sign in again/);
  });

  test('the session routes are the only ones open without a bearer', async () => {
    assert.equal((await call('GET', '/admin/me')).status, 401);
    assert.equal((await call('GET', '/admin/users')).status, 401);
    assert.equal((await call('GET', '/admin/session')).status, 401, 'a session path with another method is not public');
  });
});

describe('tokens the admin API refuses (401, never 500)', () => {
  test('an altered payload (roles added) fails the signature', async () => {
    const token = await tokenFor('viewer');
    const [header, , signature] = token.split('.');
    const payload = { ...decode(token), 'cognito:groups': ['admin'] };
    const res = await me(`${header}.${encode(payload)}.${signature}`);
    assert.equal(res.status, 401);
    assert.match(res.body.error, /not a valid sign-in/);
    assert.equal(res.headers?.['www-authenticate'], 'Bearer');
  });

  test("a token signed with another key under the pool's key id", async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const genuine = decode(await tokenFor('viewer'));
    const head = encode({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' });
    const body = encode({ ...genuine, 'cognito:groups': ['admin'] });
    const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
    const res = await me(`${head}.${body}.${signature}`);
    assert.equal(res.status, 401);
  });

  test('an unsigned token (alg none) and garbage', async () => {
    const genuine = decode(await tokenFor('viewer'));
    assert.equal((await me(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(genuine)}.`)).status, 401);
    assert.equal((await me('a.b.c')).status, 401);
    assert.equal((await me('not-a-token')).status, 401);
  });

  test('a genuine token of another user pool (same emulator, same signing key)', async () => {
    const c = poolClient();
    const other = (await c.send(new CreateUserPoolCommand({ PoolName: `other-${Date.now()}`, UsernameAttributes: ['email'] }))).UserPool!.Id!;
    const otherClient = (
      await c.send(new CreateUserPoolClientCommand({ UserPoolId: other, ClientName: 'other', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }))
    ).UserPoolClient!.ClientId!;
    const { email, password } = await createPerson([], { userPoolId: other });
    const token = await idTokenOf(email, password, otherClient);
    const res = await me(token);
    assert.equal(res.status, 401);
    assert.match(res.body.error, /not a valid sign-in/);
  });
});

describe('roles', () => {
  test('a viewer gets 403 naming the roles needed on a marketer route; a marketer gets through', async () => {
    const denied = await call('GET', '/admin/wallet-policy', undefined, asPerson(await tokenFor('viewer')));
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body.rolesNeeded, ['admin', 'marketer']);
    assert.deepEqual(denied.body.yourRoles, ['viewer']);
    assert.equal((await call('GET', '/admin/wallet-policy', undefined, asPerson(await tokenFor('marketer')))).status, 200);
  });

  test('a person with no role gets 403, even on GET /admin/me', async () => {
    const res = await me(await tokenFor([]));
    assert.equal(res.status, 403);
    assert.deepEqual(res.body.yourRoles, []);
  });

  test('GET /admin/me lists what each role may call', async () => {
    const viewer = (await me(await tokenFor('viewer'))).body;
    const marketer = (await me(await tokenFor('marketer'))).body;
    const admin = (await me(await tokenFor('admin'))).body;
    assert.deepEqual(viewer.roles, ['viewer']);
    assert.equal(viewer.via, 'account');
    assert.ok(viewer.allowed.includes('GET /admin/me'));
    assert.ok(!viewer.allowed.includes('GET /admin/wallet-policy'));
    assert.ok(marketer.allowed.includes('GET /admin/wallet-policy'));
    assert.ok(!marketer.allowed.includes('GET /admin/users'), 'people are for admins');
    assert.ok(admin.allowed.includes('GET /admin/users'));
    assert.ok(admin.allowed.includes('PUT /admin/users/{username}/roles'));
    assert.ok(viewer.allowed.length < marketer.allowed.length && marketer.allowed.length < admin.allowed.length);
    // Every route the list names answers something other than 403 for that role.
    const viewerToken = await tokenFor('viewer');
    for (const route of viewer.allowed.filter((r: string) => r.startsWith('GET ') && !r.includes('{'))) {
      const res = await call('GET', route.slice(4), undefined, asPerson(viewerToken));
      assert.notEqual(res.status, 403, `${route} is listed for a viewer`);
    }
  });

  test('the break-glass token is an admin named break-glass', async () => {
    const res = await handlers.admin('GET', '/admin/me');
    assert.equal(res.status, 200);
    assert.equal(res.body.username, 'break-glass');
    assert.equal(res.body.via, 'break-glass');
    assert.deepEqual(res.body.roles, ['admin']);
  });
});
