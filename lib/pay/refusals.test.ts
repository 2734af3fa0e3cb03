import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusalAction } from './refusals';

// Which verified refusals hold an order (retried later under the same number), which fail it, and
// which are queried first: the split that decides whether a winner is ever paid.
test('money-side and rate refusals hold; they can clear', () => {
  for (const code of ['NOT_ENOUGH', 'FREQUENCY_LIMITED', 'USER_ERROR']) assert.equal(refusalAction('transfer', code), 'hold', code);
  for (const code of [
    'NOTENOUGH',
    'SENDNUM_LIMIT',
    'SENDAMOUNT_LIMIT',
    'RCVDAMOUNT_LIMIT',
    'TIME_LIMITED',
    'SECOND_OVER_LIMITED',
    'FREQ_LIMIT',
    'API_METHOD_CLOSED',
  ])
    assert.equal(refusalAction('redpack', code), 'hold', code);
});

test('refusals of the request itself are final', () => {
  for (const code of ['PARAM_ERROR', 'NO_AUTH', 'SIGN_ERROR']) assert.equal(refusalAction('transfer', code), 'final', code);
  for (const code of ['SEND_FAILED', 'NO_AUTH', 'MONEY_LIMIT', 'OPENID_ERROR', 'PARAM_ERROR', 'CA_ERROR'])
    assert.equal(refusalAction('redpack', code), 'final', code);
});

test('a number that may carry a payment already, or a code we do not know, is queried before anything is decided', () => {
  assert.equal(refusalAction('transfer', 'INVALID_REQUEST'), 'query-first');
  assert.equal(refusalAction('redpack', 'FATAL_ERROR'), 'query-first');
  assert.equal(refusalAction('transfer', 'SOMETHING_NEW'), 'query-first');
  assert.equal(refusalAction('redpack', 'SOMETHING_NEW'), 'query-first');
  // The tables are per API: a v2 code is not a v3 code.
  assert.equal(refusalAction('transfer', 'NOTENOUGH'), 'query-first');
  assert.equal(refusalAction('redpack', 'NOT_ENOUGH'), 'query-first');
});

test('codes are looked up as own properties only', () => {
  for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.equal(refusalAction('transfer', code), 'query-first', code);
    assert.equal(refusalAction('redpack', code), 'query-first', code);
  }
});
