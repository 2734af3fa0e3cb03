import { ok, unauthenticated, type Result } from '../result';
import { breakGlassPrincipal } from './breakGlass';
import type { IdTokenVerifier } from './idTokenVerifier';
import type { Principal } from './roles';

export interface Authenticators {
  /** ADMIN_TOKEN and whether the break-glass is on (lib/identity/breakGlass.ts). */
  breakGlass: { adminToken: string; breakGlass: boolean };
  /** The user pool's id tokens; unset where no pool is configured (only the break-glass opens the API). */
  idTokens?: IdTokenVerifier;
}

/** Three dot-separated base64url parts: what an id token looks like (the break-glass token is not one). */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

const bearerOf = (authorization: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(authorization?.trim() ?? '')?.[1];

/**
 * Who is calling the admin API: the break-glass token where it is on, else a person whose id token
 * the user pool signed. Every refusal is a 401 (`unauthenticated`), never an error: a forged,
 * altered, expired or foreign token is the caller's problem, not ours.
 */
export async function authenticate(authorization: string | undefined, by: Authenticators): Promise<Result<Principal>> {
  const token = bearerOf(authorization);
  if (!token) return unauthenticated('missing bearer token: sign in (POST /admin/session) and send Authorization: Bearer <idToken>');
  const breakGlass = breakGlassPrincipal(authorization, by.breakGlass);
  if (breakGlass) return ok(breakGlass);
  if (!by.idTokens || !JWT_SHAPE.test(token)) return unauthenticated('missing or wrong bearer token');
  const verified = await by.idTokens.verify(token);
  return verified.ok ? ok(verified.value.principal) : verified;
}
