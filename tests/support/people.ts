import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../lib/identity/cognitoClient';
import type { Role } from '../../lib/identity/roles';

/** The pool `npm test` made in cognito-local (scripts/test.mjs). */
export function testPool(): { endpoint: string; userPoolId: string; clientId: string } {
  const { COGNITO_ENDPOINT: endpoint, COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId } = process.env;
  if (!endpoint || !userPoolId || !clientId) throw new Error('COGNITO_* are not set: run the tests with `npm test`, which starts cognito-local');
  return { endpoint, userPoolId, clientId };
}

let client: CognitoIdentityProviderClient | undefined;
export const poolClient = (): CognitoIdentityProviderClient => (client ??= cognitoClient({ endpoint: testPool().endpoint }, 'us-east-1'));

/** A unique address per call, so test files sharing the pool never meet. */
export const uniqueEmail = (what = 'person') => `${what}-${randomUUID().slice(0, 8)}@example.com`;

export const TEST_PASSWORD = 'Correct-horse-42';

/** A person in the test pool with these roles and a password they keep (no challenge at sign-in). */
export async function createPerson(
  roles: Role[],
  opts: { email?: string; password?: string; userPoolId?: string } = {},
): Promise<{ email: string; password: string }> {
  const email = opts.email ?? uniqueEmail(roles.join('-') || 'nobody');
  const password = opts.password ?? TEST_PASSWORD;
  const UserPoolId = opts.userPoolId ?? testPool().userPoolId;
  const c = poolClient();
  await c.send(new AdminCreateUserCommand({ UserPoolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }] }));
  await c.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
  for (const role of roles) await c.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: role }));
  return { email, password };
}

/** An id token straight from the pool (USER_PASSWORD_AUTH through the SDK, not through our routes). */
export async function idTokenOf(email: string, password: string, clientId = testPool().clientId): Promise<string> {
  const out = await poolClient().send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
  );
  const token = out.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`no id token for ${email}: ${out.ChallengeName ?? 'no answer'}`);
  return token;
}

const tokens = new Map<string, Promise<string>>();

/**
 * An id token of a person with exactly these roles (`[]`: a person with no role), made once per
 * test process and kept: the admin API's bearer for role tests.
 */
export function tokenFor(roles: Role | Role[]): Promise<string> {
  const list = [...new Set(Array.isArray(roles) ? roles : [roles])].sort();
  const key = list.join(',');
  let token = tokens.get(key);
  if (!token) {
    token = createPerson(list).then(({ email, password }) => idTokenOf(email, password));
    tokens.set(key, token);
  }
  return token;
}

/** Headers for the admin API as a signed-in person. */
export const asPerson = (idToken: string) => ({ authorization: `Bearer ${idToken}`, 'content-type': 'application/json' });
