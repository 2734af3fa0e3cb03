import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { adminAuth, loadHandlers } from './support/handlers';
import { asPerson, tokenFor } from './support/people';
import { useTestTable } from './support/testTable';

// The user pool cannot be reached (COGNITO_ENDPOINT points at a port nobody listens on): signing in
// and checking tokens answer 503, and the break-glass token still opens the API.
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let token: string;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  token = await tokenFor('viewer');
  await useTestTable({ COGNITO_ENDPOINT: `http://127.0.0.1:${await closedPort()}` });
  handlers = await loadHandlers();
});

test('signing in and refreshing answer 503 when Cognito cannot be reached', async () => {
  const signIn = await handlers.admin('POST', '/admin/session', { username: 'a@example.com', password: 'Whatever-123' }, { headers: {} });
  assert.equal(signIn.status, 503);
  assert.match(signIn.body.error, /unavailable/);
  assert.equal((await handlers.admin('POST', '/admin/session/refresh', { refreshToken: 'x' }, { headers: {} })).status, 503);
});

test("a token cannot be checked without the pool's keys: 503, not 401 or 500", async () => {
  const res = await handlers.admin('GET', '/admin/me', undefined, { headers: asPerson(token) });
  assert.equal(res.status, 503);
  assert.match(res.body.error, /cannot be reached/);
});

test('the break-glass token still opens the API', async () => {
  assert.equal((await handlers.admin('GET', '/admin/me', undefined, { headers: adminAuth })).status, 200);
  assert.equal((await handlers.admin('GET', '/admin/users', undefined, { headers: adminAuth })).status, 503);
});
