import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureResponse } from '../http/respond';
import { cognitoFailure, type CognitoCall } from './cognitoErrors';

// Cognito's errors as the SDK throws them: an Error whose name is the exception's.
const cognitoError = (name: string, message = 'x') => Object.assign(new Error(message), { name });
const statusOf = (name: string, call: CognitoCall, message?: string) => {
  const failed = cognitoFailure(cognitoError(name, message), call);
  return { ...failureResponse(failed.error), message: failed.error.message };
};

test('signing in: a wrong password and an unknown name are the same 401', () => {
  const wrong = statusOf('NotAuthorizedException', 'sign-in', 'Incorrect username or password.');
  const unknown = statusOf('UserNotFoundException', 'sign-in');
  const localWrong = statusOf('InvalidPasswordException', 'sign-in');
  assert.equal(wrong.statusCode, 401);
  assert.deepEqual([unknown.statusCode, unknown.message], [401, wrong.message]);
  assert.deepEqual([localWrong.statusCode, localWrong.message], [401, wrong.message]);
});

test('a disabled person, a reset or a confirmation pending: 403 saying so', () => {
  assert.equal(statusOf('NotAuthorizedException', 'sign-in', 'User is disabled.').statusCode, 403);
  assert.match(statusOf('NotAuthorizedException', 'refresh', 'User is disabled.').message, /disabled/);
  assert.match(statusOf('PasswordResetRequiredException', 'sign-in').message, /new password/);
  assert.equal(statusOf('UserNotConfirmedException', 'sign-in').statusCode, 403);
});

test('a new password the policy refuses is a 400 on newPassword; a stale challenge session a 401', () => {
  const weak = statusOf('InvalidPasswordException', 'new-password', 'Password does not conform to policy: Password not long enough');
  assert.equal(weak.statusCode, 400);
  assert.match(weak.message, /^newPassword: Password does not conform/);
  assert.equal(statusOf('NotAuthorizedException', 'new-password', 'Invalid session for the user.').statusCode, 401);
  assert.equal(statusOf('CodeMismatchException', 'new-password').statusCode, 401);
});

test('too many attempts is a 429 with retry-after; anything unknown (Cognito down) is a 503', () => {
  const throttled = failureResponse(cognitoFailure(cognitoError('TooManyRequestsException'), 'sign-in').error);
  assert.equal(throttled.statusCode, 429);
  assert.equal(throttled.headers?.['retry-after'], '60');
  assert.equal(statusOf('TooManyFailedAttemptsException', 'sign-in').statusCode, 429);
  assert.equal(statusOf('InternalErrorException', 'sign-in').statusCode, 503);
  assert.equal(failureResponse(cognitoFailure(new TypeError('fetch failed'), 'refresh').error).statusCode, 503);
});

test('managing people: a missing person is a 404, a taken email a 409, a refusal of our own rights a 503', () => {
  assert.equal(statusOf('UserNotFoundException', 'directory').statusCode, 404);
  assert.equal(statusOf('UsernameExistsException', 'directory').statusCode, 409);
  assert.equal(statusOf('AccessDeniedException', 'directory').statusCode, 503);
});
