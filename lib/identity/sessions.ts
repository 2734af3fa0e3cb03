import { forbidden, ok, type Result } from '../result';
import { ACCOUNT_DISABLED } from './cognitoErrors';
import type { IdTokenVerifier } from './idTokenVerifier';
import type { Principal } from './roles';

/** Tokens the user pool issued. A refresh may not issue a new refresh token (Cognito keeps the old one). */
export interface IssuedTokens {
  idToken: string;
  refreshToken?: string;
}

/** The only challenge the console answers: a person created with a temporary password chooses their own. */
export type NewPasswordChallenge = { challenge: 'NEW_PASSWORD_REQUIRED'; session: string };
export type SignInStep = { tokens: IssuedTokens } | NewPasswordChallenge;

/** The user pool's sign-in API (lib/identity/cognitoSignIn.ts). */
export interface SignInService {
  passwordSignIn(username: string, password: string): Promise<Result<SignInStep>>;
  answerNewPassword(answer: NewPasswordAnswer): Promise<Result<SignInStep>>;
  refresh(refreshToken: string): Promise<Result<IssuedTokens>>;
}

export interface NewPasswordAnswer {
  username: string;
  session: string;
  newPassword: string;
}

export interface SessionPorts {
  signIn: SignInService;
  idTokens: IdTokenVerifier;
  /** Whether the person may sign in now (disabled people are refused even where the pool would not refuse them). */
  isEnabled(username: string): Promise<Result<boolean>>;
}

/** What the console keeps: the id token it sends as the bearer, the refresh token, when to refresh, and who it is. */
export interface Session {
  idToken: string;
  refreshToken: string;
  /** ISO 8601: when the id token expires (refresh before, or sign in again after). */
  expiresAt: string;
  principal: Principal;
}

export type SessionAnswer = Session | NewPasswordChallenge;

async function sessionOf(ports: SessionPorts, tokens: IssuedTokens, refreshToken: string): Promise<Result<Session>> {
  const verified = await ports.idTokens.verify(tokens.idToken);
  if (!verified.ok) return verified;
  const { principal, expiresAt } = verified.value;
  const enabled = await ports.isEnabled(principal.username);
  if (!enabled.ok) return enabled;
  if (!enabled.value) return forbidden(ACCOUNT_DISABLED);
  return ok({ idToken: tokens.idToken, refreshToken, expiresAt: expiresAt.toISOString(), principal });
}

async function settle(ports: SessionPorts, step: Result<SignInStep>): Promise<Result<SessionAnswer>> {
  if (!step.ok) return step;
  if ('challenge' in step.value) return ok(step.value);
  const { tokens } = step.value;
  return sessionOf(ports, tokens, tokens.refreshToken ?? '');
}

/** `POST /admin/session`: a session, or the challenge to choose a new password. */
export async function signIn(ports: SessionPorts, credentials: { username: string; password: string }): Promise<Result<SessionAnswer>> {
  return settle(ports, await ports.signIn.passwordSignIn(credentials.username, credentials.password));
}

/** `POST /admin/session/new-password`: the answer to NEW_PASSWORD_REQUIRED. */
export async function chooseNewPassword(ports: SessionPorts, answer: NewPasswordAnswer): Promise<Result<SessionAnswer>> {
  return settle(ports, await ports.signIn.answerNewPassword(answer));
}

/** `POST /admin/session/refresh`: a new id token (and the refresh token to keep using). */
export async function refreshSession(ports: SessionPorts, refreshToken: string): Promise<Result<Session>> {
  const tokens = await ports.signIn.refresh(refreshToken);
  if (!tokens.ok) return tokens;
  return sessionOf(ports, tokens.value, tokens.value.refreshToken ?? refreshToken);
}
