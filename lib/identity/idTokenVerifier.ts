import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksNotAvailableInCacheError, JwtExpiredError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { CognitoSettings } from '../config/config';
import { ok, unauthenticated, unavailable, type Result } from '../result';
import { isRole, ROLES, type Principal } from './roles';

/** A verified id token: who it names, and until when it is good. */
export interface VerifiedIdToken {
  principal: Principal;
  expiresAt: Date;
}

/** Checks an id token of the user pool: signature, issuer, audience (the app client), `token_use`, expiry. */
export interface IdTokenVerifier {
  verify(idToken: string): Promise<Result<VerifiedIdToken>>;
}

/**
 * The person an id token names. Roles are the `cognito:groups` that are roles (other groups are
 * ignored; no group, no role: every route answers 403); the name is the email address, which is the
 * sign-in name (the pool's `cognito:username` is an opaque id when email is the username attribute).
 */
export function principalOfClaims(claims: JwtPayload): Principal {
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].map(String) : [];
  const username = typeof claims.email === 'string' && claims.email ? claims.email : String(claims['cognito:username'] ?? claims.sub);
  return { username, sub: String(claims.sub), roles: ROLES.filter((r) => groups.includes(r) && isRole(r)), via: 'account' };
}

function verified(payload: JwtPayload): Result<VerifiedIdToken> {
  return ok({ principal: principalOfClaims(payload), expiresAt: new Date(Number(payload.exp) * 1000) });
}

/** Why a token was refused, in words a console can show; JWKS that cannot be fetched is the pool being unreachable, not a bad token. */
function refusal(err: unknown): Result<never> {
  if (err instanceof FetchError || err instanceof JwksNotAvailableInCacheError)
    return unavailable('the sign-in service cannot be reached to check the token; try again');
  if (err instanceof JwtExpiredError) return unauthenticated('the sign-in has expired: refresh the session or sign in again');
  return unauthenticated('the bearer token is not a valid sign-in for this account: sign in again');
}

/** In AWS: aws-jwt-verify's Cognito verifier, which fetches and caches the pool's JWKS itself. */
function awsVerifier(settings: CognitoSettings): IdTokenVerifier {
  const verifier = CognitoJwtVerifier.create({ userPoolId: settings.userPoolId, clientId: settings.clientId, tokenUse: 'id' });
  return {
    async verify(idToken) {
      try {
        return verified(await verifier.verify(idToken));
      } catch (err) {
        return refusal(err);
      }
    },
  };
}

/**
 * Against cognito-local, whose pool ids and http JWKS the Cognito verifier refuses: the generic
 * verifier with the pool's issuer (`<endpoint>/<poolId>`, so a token of another local pool, signed
 * with the same emulator key, is refused) and the client as audience, on the JWKS fetched once.
 */
function localVerifier(settings: CognitoSettings & { endpoint: string }, fetchJson: (url: string) => Promise<unknown>): IdTokenVerifier {
  const issuer = `${settings.endpoint}/${settings.userPoolId}`;
  const verifier = JwtVerifier.create({
    issuer,
    audience: settings.clientId,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'id') throw new Error('not an id token');
    },
  });
  let jwks: Promise<void> | undefined;
  const loadJwks = () => {
    jwks ??= fetchJson(`${issuer}/.well-known/jwks.json`).then(
      (keys) => verifier.cacheJwks(keys as Parameters<typeof verifier.cacheJwks>[0]),
      (err: unknown) => {
        jwks = undefined;
        throw new FetchError(`${issuer}/.well-known/jwks.json`, String(err));
      },
    );
    return jwks;
  };
  return {
    async verify(idToken) {
      try {
        await loadJwks();
        return verified(verifier.verifySync(idToken));
      } catch (err) {
        return refusal(err);
      }
    },
  };
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

export function idTokenVerifier(settings: CognitoSettings): IdTokenVerifier {
  const { endpoint } = settings;
  return endpoint ? localVerifier({ ...settings, endpoint }, fetchJson) : awsVerifier(settings);
}
