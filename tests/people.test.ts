import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminAddUserToGroupCommand, CreateGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { loadHandlers } from './support/handlers';
import { asPerson, createPerson, poolClient, testPool, tokenFor, uniqueEmail } from './support/people';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let adminToken: string;

before(async () => {
  await useTestTable();
  handlers = await loadHandlers();
  adminToken = await tokenFor('admin');
});

const asAdmin = (method: string, path: string, body?: unknown) => handlers.admin(method, path, body, { headers: asPerson(adminToken) });
const open = (method: string, path: string, body: unknown) => handlers.admin(method, path, body, { headers: { 'content-type': 'application/json' } });
const signIn = (username: string, password: string) => open('POST', '/admin/session', { username, password });
const enc = encodeURIComponent;

/** A person created through the API who has chosen their own password: their email, password and session. */
async function onboard(roles: string[]) {
  const email = uniqueEmail('new');
  const created = await asAdmin('POST', '/admin/users', { email, roles });
  assert.equal(created.status, 201);
  const challenge = await signIn(email, created.body.temporaryPassword);
  const password = 'Chosen-by-me-2026';
  const session = await open('POST', '/admin/session/new-password', { username: email, session: challenge.body.session, newPassword: password });
  assert.equal(session.status, 200);
  return { email, password, session: session.body };
}

describe('adding a person', () => {
  test('create with roles → temporary password once → first sign-in asks for a new password → signed in with the roles', async () => {
    const email = uniqueEmail('newcomer');
    const created = await asAdmin('POST', '/admin/users', { email, name: 'Li Lei', roles: ['operator', 'viewer'] });
    assert.equal(created.status, 201);
    assert.equal(created.body.user.username, email);
    assert.equal(created.body.user.name, 'Li Lei');
    assert.deepEqual(created.body.user.roles, ['operator', 'viewer']);
    assert.equal(created.body.user.status, 'FORCE_CHANGE_PASSWORD');
    assert.match(created.body.temporaryPassword, /^.{20}$/);

    const listed = (await asAdmin('GET', '/admin/users')).body.users.find((u: { username: string }) => u.username === email);
    assert.deepEqual(listed.roles, ['operator', 'viewer']);
    assert.equal(listed.enabled, true);
    assert.equal(listed.temporaryPassword, undefined, 'the temporary password is answered once, never listed');

    const first = await signIn(email, created.body.temporaryPassword);
    assert.equal(first.status, 200);
    assert.equal(first.body.challenge, 'NEW_PASSWORD_REQUIRED');
    assert.ok(first.body.session);
    assert.equal(first.body.idToken, undefined);

    const chosen = await open('POST', '/admin/session/new-password', { username: email, session: first.body.session, newPassword: 'Mine-and-only-mine-7' });
    assert.equal(chosen.status, 200);
    assert.deepEqual(chosen.body.principal.roles, ['operator', 'viewer']);
    const again = await signIn(email, 'Mine-and-only-mine-7');
    assert.equal(again.status, 200);
    assert.equal((await handlers.admin('GET', '/admin/me', undefined, { headers: asPerson(again.body.idToken) })).body.username, email);
    assert.equal((await signIn(email, created.body.temporaryPassword)).status, 401, 'the temporary password is spent');
  });

  test('the same email twice is a 409; a bad email or an unknown role is a 400 naming the field', async () => {
    const email = uniqueEmail('twice');
    assert.equal((await asAdmin('POST', '/admin/users', { email, roles: [] })).status, 201);
    const again = await asAdmin('POST', '/admin/users', { email, roles: ['viewer'] });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /exists/);
    const badEmail = await asAdmin('POST', '/admin/users', { email: 'not-an-email', roles: [] });
    assert.equal(badEmail.status, 400);
    assert.match(badEmail.body.error, /^email/);
    const badRole = await asAdmin('POST', '/admin/users', { email: uniqueEmail(), roles: ['owner'] });
    assert.equal(badRole.status, 400);
    assert.match(badRole.body.error, /^roles\.0/);
  });

  test('only admins manage people', async () => {
    const marketer = await tokenFor('marketer');
    const res = await handlers.admin('POST', '/admin/users', { email: uniqueEmail(), roles: ['admin'] }, { headers: asPerson(marketer) });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body.rolesNeeded, ['admin']);
    assert.equal((await handlers.admin('GET', '/admin/users', undefined, { headers: asPerson(marketer) })).status, 403);
  });
});

describe('changing roles', () => {
  test('takes effect at the next sign-in; the token in hand keeps the roles it was issued with', async () => {
    const { email, password, session } = await onboard(['viewer']);
    const changed = await asAdmin('PUT', `/admin/users/${enc(email)}/roles`, { roles: ['marketer'] });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.user.roles, ['marketer']);
    assert.equal((await handlers.admin('GET', '/admin/wallet-policy', undefined, { headers: asPerson(session.idToken) })).status, 403);
    const next = await signIn(email, password);
    assert.deepEqual(next.body.principal.roles, ['marketer']);
    assert.equal((await handlers.admin('GET', '/admin/wallet-policy', undefined, { headers: asPerson(next.body.idToken) })).status, 200);
  });

  test('groups that are not roles are left alone and never become roles', async () => {
    const { email, password } = await createPerson(['viewer']);
    const { userPoolId } = testPool();
    await poolClient()
      .send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'contractors' }))
      .catch(() => undefined);
    await poolClient().send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: 'contractors' }));
    const signedIn = await signIn(email, password);
    assert.deepEqual(signedIn.body.principal.roles, ['viewer']);
    const changed = await asAdmin('PUT', `/admin/users/${enc(email)}/roles`, { roles: ['agent'] });
    assert.deepEqual(changed.body.user.roles, ['agent']);
  });

  test('an unknown person is a 404', async () => {
    assert.equal((await asAdmin('PUT', `/admin/users/${enc(uniqueEmail('ghost'))}/roles`, { roles: [] })).status, 404);
    assert.equal((await asAdmin('POST', `/admin/users/${enc(uniqueEmail('ghost'))}/disable`)).status, 404);
  });
});

describe('disabling', () => {
  test('a disabled person cannot sign in or refresh; enabled again, they can', async () => {
    const { email, password } = await onboard(['agent']);
    // cognito-local only keeps refresh tokens issued by InitiateAuth, not by the new-password answer.
    const session = (await signIn(email, password)).body;
    assert.equal((await open('POST', '/admin/session/refresh', { refreshToken: session.refreshToken })).status, 200);
    const disabled = await asAdmin('POST', `/admin/users/${enc(email)}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.user.enabled, false);
    const refused = await signIn(email, password);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error, /disabled/);
    const refresh = await open('POST', '/admin/session/refresh', { refreshToken: session.refreshToken });
    assert.equal(refresh.status, 403);
    assert.match(refresh.body.error, /disabled/);
    assert.equal((await asAdmin('POST', `/admin/users/${enc(email)}/enable`)).body.user.enabled, true);
    assert.equal((await signIn(email, password)).status, 200);
  });
});

describe('nobody locks themselves out', () => {
  test('an admin cannot remove their own admin role or disable themselves; another admin can', async () => {
    const { email, session } = await onboard(['admin']);
    const self = { headers: asPerson(session.idToken) };
    const demote = await handlers.admin('PUT', `/admin/users/${enc(email)}/roles`, { roles: ['viewer'] }, self);
    assert.equal(demote.status, 403);
    assert.match(demote.body.error, /your own admin role/);
    const disable = await handlers.admin('POST', `/admin/users/${enc(email)}/disable`, undefined, self);
    assert.equal(disable.status, 403);
    assert.match(disable.body.error, /disable yourself/);
    // Keeping admin while adding a role is fine.
    assert.equal((await handlers.admin('PUT', `/admin/users/${enc(email)}/roles`, { roles: ['admin', 'viewer'] }, self)).status, 200);
    // Another admin may.
    const other = await asAdmin('PUT', `/admin/users/${enc(email)}/roles`, { roles: ['viewer'] });
    assert.equal(other.status, 200);
    assert.deepEqual(other.body.user.roles, ['viewer']);
    assert.equal((await asAdmin('POST', `/admin/users/${enc(email)}/disable`)).status, 200);
  });
});
