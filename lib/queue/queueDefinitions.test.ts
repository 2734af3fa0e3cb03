import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readQueueDefinitions } from './queueDefinitions';

test('the queues of serverless.yml, named for the stage, dead-letter queues first, redrive on the local account', () => {
  const defs = readQueueDefinitions({ stage: 'local', region: 'us-east-1' });
  assert.deepEqual(
    defs.map((d) => [d.logicalId, d.name]),
    [
      ['PayoutDeadLetters', 'wechat-oa-crm-local-payouts-dlq'],
      ['PayoutQueue', 'wechat-oa-crm-local-payouts'],
    ],
  );
  const payout = defs[1]!;
  assert.equal(payout.attributes.VisibilityTimeout, '120');
  assert.deepEqual(JSON.parse(payout.attributes.RedrivePolicy!), { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:wechat-oa-crm-local-payouts-dlq', maxReceiveCount: 10 });
  assert.equal(defs[0]!.attributes.MessageRetentionPeriod, '1209600');
});
