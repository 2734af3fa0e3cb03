import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queueUrlFor } from './queueUrl';

test('in AWS the URL set from !Ref wins', () => {
  const url = 'https://sqs.ap-east-1.amazonaws.com/123456789012/wechat-oa-crm-prod-payouts';
  assert.equal(queueUrlFor('PAYOUT', { PAYOUT_QUEUE_URL: url, PAYOUT_QUEUE_NAME: 'wechat-oa-crm-prod-payouts', SQS_ENDPOINT: '' }), url);
});

test('under serverless-offline the unresolved reference is ignored and the emulator URL is built from the name', () => {
  const env = { PAYOUT_QUEUE_URL: '[object Object]', PAYOUT_QUEUE_NAME: 'wechat-oa-crm-local-payouts', SQS_ENDPOINT: 'http://localhost:9324/' };
  assert.equal(queueUrlFor('PAYOUT', env), 'http://localhost:9324/000000000000/wechat-oa-crm-local-payouts');
});

test('a test may point the URL at its own emulator queue', () => {
  assert.equal(
    queueUrlFor('PAYOUT', { PAYOUT_QUEUE_URL: 'http://localhost:9324/000000000000/t-1', SQS_ENDPOINT: 'http://localhost:9324' }),
    'http://localhost:9324/000000000000/t-1',
  );
});

test('no queue configured: an endpoint alone, or a name alone, is not a queue', () => {
  assert.equal(queueUrlFor('PAYOUT', {}), undefined);
  assert.equal(queueUrlFor('PAYOUT', { SQS_ENDPOINT: 'http://localhost:9324' }), undefined);
  assert.equal(queueUrlFor('PAYOUT', { PAYOUT_QUEUE_NAME: 'x' }), undefined);
});
