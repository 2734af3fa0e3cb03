import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readQueueDefinitions } from './queueDefinitions';

test('the queues of serverless.yml, named for the stage, dead-letter queues first, redrive on the local account', () => {
  const defs = readQueueDefinitions({ stage: 'local', region: 'us-east-1' });
  const names = defs.map((d) => d.name);
  assert.ok(
    names.every((n) => n.startsWith('wechat-oa-crm-local-')),
    names.join(', '),
  );
  assert.equal(new Set(names).size, names.length, 'unique names');
  // Every dead-letter target is declared, and created before the queue that redrives to it.
  defs.forEach((d, i) => {
    if (!d.attributes.RedrivePolicy) return;
    const target = (JSON.parse(d.attributes.RedrivePolicy) as { deadLetterTargetArn: string }).deadLetterTargetArn;
    assert.match(target, /^arn:aws:sqs:us-east-1:000000000000:/);
    const at = names.indexOf(target.split(':').pop()!);
    assert.ok(at >= 0 && at < i, `${d.logicalId}: its dead-letter queue comes first`);
  });

  const payout = defs.find((d) => d.logicalId === 'PayoutQueue')!;
  assert.equal(payout.name, 'wechat-oa-crm-local-payouts');
  assert.equal(payout.attributes.VisibilityTimeout, '120');
  assert.deepEqual(JSON.parse(payout.attributes.RedrivePolicy!), {
    deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:wechat-oa-crm-local-payouts-dlq',
    maxReceiveCount: 10,
  });
  const dlq = defs.find((d) => d.logicalId === 'PayoutDeadLetters')!;
  assert.equal(dlq.name, 'wechat-oa-crm-local-payouts-dlq');
  assert.equal(dlq.attributes.MessageRetentionPeriod, '1209600');
});

test('a queue without a QueueName, or a dead-letter target that is not a declared queue, is an error', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'queues-'));
  const yml = (body: string) => {
    const p = join(dir, `${Math.random()}.yml`);
    writeFileSync(p, `service: s\nresources:\n  Resources:\n${body}`);
    return p;
  };
  assert.throws(
    () =>
      readQueueDefinitions({
        stage: 'x',
        region: 'r',
        serverlessYml: yml('    Q:\n      Type: AWS::SQS::Queue\n      Properties: { VisibilityTimeout: 5 }\n'),
      }),
    /Q needs a QueueName/,
  );
  assert.throws(
    () =>
      readQueueDefinitions({
        stage: 'x',
        region: 'r',
        serverlessYml: yml(
          // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless.yml's own ${…} variables, as text.
          '    Q:\n      Type: AWS::SQS::Queue\n      Properties:\n        QueueName: ${self:service}-${sls:stage}-q\n        RedrivePolicy: { deadLetterTargetArn: !GetAtt Nope.Arn, maxReceiveCount: 2 }\n',
        ),
      }),
    /Nope needs a QueueName/,
  );
  const ok = readQueueDefinitions({
    stage: 'x',
    region: 'r',
    serverlessYml: yml(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless.yml's own ${…} variables, as text.
      "    Q:\n      Type: AWS::SQS::Queue\n      Properties:\n        QueueName: ${self:service}-${sls:stage}-q\n        RedrivePolicy: { deadLetterTargetArn: !GetAtt D.Arn, maxReceiveCount: 2 }\n    D:\n      Type: AWS::SQS::Queue\n      Properties: { QueueName: '${self:service}-${sls:stage}-d' }\n",
    ),
  });
  assert.deepEqual(
    ok.map((d) => d.name),
    ['s-x-d', 's-x-q'],
  );
});
