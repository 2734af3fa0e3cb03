import { describeError, log } from '../observability/log';
import { conflict, forbidden, invalid, notFound, unauthenticated, unavailable, type Failed } from '../result';

/** What was asked of Cognito when it refused: the same refusal means different things in each. */
export type CognitoCall = 'sign-in' | 'new-password' | 'refresh' | 'directory';

/** One message for a wrong name and a wrong password, so the answer does not tell which names exist. */
export const WRONG_NAME_OR_PASSWORD = 'wrong name or password';
export const ACCOUNT_DISABLED = 'this account is disabled: ask an admin to enable it';
const SESSION_GONE = 'the sign-in has expired or does not match this name: sign in again';
const REFRESH_GONE = 'the session cannot be refreshed (expired, signed out or disabled): sign in again';

const errorName = (err: unknown) => (err as { name?: string } | null)?.name ?? '';
const errorMessage = (err: unknown) => String((err as { message?: string } | null)?.message ?? '');

function refusedCredentials(call: CognitoCall): Failed {
  if (call === 'sign-in') return unauthenticated(WRONG_NAME_OR_PASSWORD);
  if (call === 'new-password') return unauthenticated(SESSION_GONE);
  if (call === 'refresh') return unauthenticated(REFRESH_GONE);
  return notFound('no such person');
}

function throttled(): Failed {
  return { ok: false, error: { kind: 'too-many-requests', message: 'too many attempts: wait a minute and try again', retryAfterSeconds: 60 } };
}

/**
 * A Cognito error as a use case's failure: refusals are 4xx naming what to do; anything else
 * (Cognito unreachable, a 5xx, a timeout, a refusal we do not know) is `unavailable` (503), logged.
 */
export function cognitoFailure(err: unknown, call: CognitoCall): Failed {
  switch (errorName(err)) {
    case 'NotAuthorizedException':
      // Cognito says "User is disabled." for a disabled person with the right password.
      if (/disabled/i.test(errorMessage(err))) return forbidden(ACCOUNT_DISABLED);
      return call === 'directory' ? unavailableLogged(err, call) : refusedCredentials(call);
    case 'UserNotFoundException':
      return refusedCredentials(call);
    case 'InvalidPasswordException':
      // Signing in, a wrong password (cognito-local says so where Cognito says NotAuthorized);
      // choosing one, a password the pool's policy refuses.
      return call === 'sign-in' ? unauthenticated(WRONG_NAME_OR_PASSWORD) : invalid(`newPassword: ${errorMessage(err) || 'does not meet the password policy'}`);
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      return unauthenticated(SESSION_GONE);
    case 'PasswordResetRequiredException':
      return forbidden('this account needs a new password: ask an admin to reset it');
    case 'UserNotConfirmedException':
      return forbidden('this account is not confirmed yet: ask an admin');
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      return throttled();
    case 'InvalidParameterException':
      return invalid(errorMessage(err) || 'Cognito refused a parameter');
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return conflict('a person with this email address exists already');
    default:
      return unavailableLogged(err, call);
  }
}

function unavailableLogged(err: unknown, call: CognitoCall): Failed {
  log.warn('Cognito call failed', { call, ...describeError(err) });
  return unavailable('the sign-in service (Cognito) is unavailable; try again shortly');
}
