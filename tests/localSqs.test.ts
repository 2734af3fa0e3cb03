import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lazySqsClient, sqsQueue } from '../lib/queue/sqsQueue';
import { createTestQueue, lambdaPoller, queueDepth, sqsEndpoint, testSqs, waitFor, waitUntilDrained, type Poller } from './support/localSqs';

// The application's own SQS client (lib/queue/sqsQueue.ts), on the emulator.
const appSqs = lazySqsClient({ endpoint: sqsEndpoint(), region: 'us-east-1' });

// The poller against local-aws-sqs: it must behave like Lambda's SQS event source mapping, since the
// queue-driven workers are tested through it.
const pollers: Poller[] = [];
after(async () => {
  await Promise.all(pollers.map((p) => p.stop()));
});
const poll = (...args: Parameters<typeof lambdaPoller>) => {
  const p = lambdaPoller(...args);
  pollers.push(p);
  return p;
};
const bodies = (p: Poller) => p.delivered.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`);

test('a real SQSEvent; a reported failure comes back after the visibility timeout with a higher receive count, the rest is deleted once', async () => {
  const q = await createTestQueue('poller-failures', { visibilityTimeoutSeconds: 2 });
  let failedOnce = false;
  const p = poll(q.url, async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = event.Records.filter((r) => r.body === '"b"' && !failedOnce).map((r) => ({ itemIdentifier: r.messageId }));
    if (failures.length) failedOnce = true;
    return { batchItemFailures: failures };
  });
  // Through the application's adapter: SendMessageBatch on the emulator at SQS_ENDPOINT.
  await sqsQueue<string>(q.url, appSqs).send(['a', 'b', 'c']);
  await waitUntilDrained(q.url);

  assert.deepEqual(bodies(p).sort(), ['"a"#1', '"b"#1', '"b"#2', '"c"#1']);
  const first = p.delivered[0]!;
  assert.equal(first.eventSource, 'aws:sqs');
  assert.equal(first.eventSourceARN, q.arn);
  assert.match(first.eventSourceARN, /^arn:aws:sqs:[a-z0-9-]+:000000000000:poller-failures-/);
  assert.ok(first.messageId && first.receiptHandle && first.md5OfBody);
  assert.ok(Number(first.attributes.SentTimestamp) > 0 && Number(first.attributes.ApproximateFirstReceiveTimestamp) > 0);
  const b = p.delivered.filter((r) => r.body === '"b"');
  assert.equal(b[0]!.messageId, b[1]!.messageId, 'the same message, delivered again');
  assert.ok(Number(b[1]!.attributes.SentTimestamp) <= Number(b[1]!.attributes.ApproximateFirstReceiveTimestamp));
  assert.deepEqual(p.errors, []);
});

test('a handler that throws, or names a record not in its batch, gets the whole batch back', async () => {
  const q = await createTestQueue('poller-throws', { visibilityTimeoutSeconds: 2 });
  let calls = 0;
  const p = poll(q.url, async (event: SQSEvent) => {
    calls++;
    if (calls === 1) throw new Error('worker crashed');
    if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
    assert.ok(event.Records.length > 0);
    return { batchItemFailures: [] };
  });
  await testSqs().send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'x', MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } }));
  await waitUntilDrained(q.url);

  assert.deepEqual(bodies(p), ['x#1', 'x#2', 'x#3']);
  assert.equal(p.errors.length, 1);
  assert.match(String(p.errors[0]), /worker crashed/);
  assert.deepEqual(p.delivered[0]!.messageAttributes.kind, {
    dataType: 'String',
    stringValue: 'test',
    binaryValue: undefined,
    stringListValues: [],
    binaryListValues: [],
  });
});

test('after maxReceiveCount failed receives the message moves to the dead-letter queue', async () => {
  const q = await createTestQueue('poller-dlq', { visibilityTimeoutSeconds: 2, maxReceiveCount: 2 });
  const p = poll(q.url, async (event: SQSEvent) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }));
  await sqsQueue<{ ref: string }>(q.url, appSqs).send([{ ref: 'poison' }]);
  await waitFor(
    async () => {
      const d = await queueDepth(q.deadLetters!.url);
      return d.visible === 1 ? true : JSON.stringify(d);
    },
    { what: 'the message in the dead-letter queue' },
  );
  await waitUntilDrained(q.url);

  assert.deepEqual(bodies(p), ['{"ref":"poison"}#1', '{"ref":"poison"}#2']);
  const dead = lambdaPoller(q.deadLetters!.url, async () => undefined);
  pollers.push(dead);
  await waitUntilDrained(q.deadLetters!.url);
  assert.equal(dead.delivered.length, 1);
  assert.equal(dead.delivered[0]!.messageId, p.delivered[0]!.messageId);
  assert.equal(dead.delivered[0]!.eventSourceARN, q.deadLetters!.arn);
});

test('two loops share a queue, each message handled once when nothing fails', async () => {
  const q = await createTestQueue('poller-concurrency', { visibilityTimeoutSeconds: 5 });
  const p = poll(q.url, async () => undefined, { batchSize: 3, concurrency: 2 });
  await sqsQueue<number>(q.url, appSqs).send(Array.from({ length: 25 }, (_, i) => i));
  await waitUntilDrained(q.url);
  assert.equal(p.delivered.length, 25);
  assert.equal(new Set(p.delivered.map((r) => r.messageId)).size, 25);
  assert.ok(p.delivered.every((r) => r.attributes.ApproximateReceiveCount === '1'));
});
