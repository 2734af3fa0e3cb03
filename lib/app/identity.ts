import { cognitoClient } from '../identity/cognitoClient';
import { cognitoSignIn } from '../identity/cognitoSignIn';
import { idTokenVerifier, type IdTokenVerifier } from '../identity/idTokenVerifier';
import type { SessionPorts, SignInService } from '../identity/sessions';
import { cognitoDirectory } from '../people/cognitoDirectory';
import type { PeopleDirectory } from '../people/directory';
import { unavailable } from '../result';
import type { App } from './createApp';

/** What the admin API needs of the user pool: the token check, sign-in and the people in it. */
export interface IdentityPorts {
  /** Unset without a pool: then only the break-glass token opens the admin API. */
  idTokens?: IdTokenVerifier;
  sessions: SessionPorts;
  directory: PeopleDirectory;
}

const NOT_CONFIGURED = 'people cannot sign in here: no user pool is configured (COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID)';
const notConfigured = async () => unavailable(NOT_CONFIGURED);

/** Without a pool every sign-in and people call answers 503 naming the missing settings. */
const unconfigured: Omit<IdentityPorts, 'idTokens'> = {
  sessions: {
    signIn: { passwordSignIn: notConfigured, answerNewPassword: notConfigured, refresh: notConfigured } satisfies SignInService,
    idTokens: { verify: notConfigured },
    isEnabled: notConfigured,
  },
  directory: {
    list: notConfigured,
    find: notConfigured,
    create: notConfigured,
    setRoles: notConfigured,
    setEnabled: notConfigured,
    setPermanentPassword: notConfigured,
  },
};

function buildIdentity(app: App): IdentityPorts {
  const settings = app.config.cognito;
  if (!settings) return unconfigured;
  const client = cognitoClient(settings, app.config.region);
  const idTokens = idTokenVerifier(settings);
  // cognito-local (an endpoint is set) has no AdminUserGlobalSignOut.
  const directory = cognitoDirectory(client, { userPoolId: settings.userPoolId, globalSignOut: !settings.endpoint });
  const isEnabled: SessionPorts['isEnabled'] = async (username) => {
    const person = await directory.find(username);
    return person.ok ? { ok: true, value: person.value?.enabled ?? false } : person;
  };
  return { idTokens, directory, sessions: { signIn: cognitoSignIn(client, settings.clientId), idTokens, isEnabled } };
}

/** The identity ports, made once per app (one client, one JWKS cache). */
export const identityPorts = (app: App) => app.once(buildIdentity);
