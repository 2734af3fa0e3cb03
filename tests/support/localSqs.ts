import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/**
 * Integration-test helpers on the local-aws-sqs that `npm test` starts (SQS_ENDPOINT): throwaway
 * queues, a poller that drives a handler the way Lambda's SQS event source mapping does, and a wait
 * for a queue to drain.
 */

export function sqsEndpoint(): string {
  const endpoint = process.env.SQS_ENDPOINT;
  if (!endpoint) throw new Error('SQS_ENDPOINT is not set: run the tests with `npm test`, which starts local-aws-sqs');
  return endpoint;
}

let client: SQSClient | undefined;
/** One SDK client on the emulator (the same @aws-sdk/client-sqs the application uses). */
export function testSqs(): SQSClient {
  client ??= new SQSClient({
    endpoint: sqsEndpoint(),
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return client;
}

async function queueVisibilityMs(url: string): Promise<number> {
  const out = await testSqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }));
  return Number(out.Attributes?.VisibilityTimeout ?? 30) * 1000;
}

export interface TestQueue {
  url: string;
  arn: string;
  name: string;
  /** The dead-letter queue, when the queue was created with maxReceiveCount. */
  deadLetters?: { url: string; arn: string; name: string };
}

async function queueArn(url: string): Promise<string> {
  const out = await testSqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`no QueueArn for ${url}`);
  return arn;
}

/**
 * A queue of its own for one test (a unique name), with a dead-letter queue after maxReceiveCount
 * receives when given (local-aws-sqs applies RedrivePolicy: a message whose visibility timeout runs
 * out after its maxReceiveCount-th receive moves to the dead-letter queue).
 */
export async function createTestQueue(name: string, opts: { visibilityTimeoutSeconds: number; maxReceiveCount?: number }): Promise<TestQueue> {
  const base = `${name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${randomUUID().slice(0, 8)}`;
  const sqs = testSqs();
  let deadLetters: TestQueue['deadLetters'];
  const attributes: Record<string, string> = { VisibilityTimeout: String(opts.visibilityTimeoutSeconds) };
  if (opts.maxReceiveCount !== undefined) {
    const dlqName = `${base}-dlq`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
    deadLetters = { url: QueueUrl!, arn: await queueArn(QueueUrl!), name: dlqName };
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: opts.maxReceiveCount });
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: base, Attributes: attributes }));
  return { url: QueueUrl!, arn: await queueArn(QueueUrl!), name: base, deadLetters };
}

// biome-ignore lint/suspicious/noConfusingVoidType: Lambda's SQS handlers may return nothing.
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | undefined>;

export interface Poller {
  /** Records handed to the handler so far (redeliveries included), in order. */
  readonly delivered: readonly SQSRecord[];
  /** What the handler threw (the whole batch then comes back after the visibility timeout). */
  readonly errors: readonly unknown[];
  /** Batches handed to the handler so far, and how many of them are being handled right now. */
  readonly batches: { started: number; running: number };
  /** Messages the handler failed that are waiting out their visibility timeout (work for later, not lost). */
  parked(): number;
  /** Stops receiving; waits for the batches being handled to finish (and be deleted). */
  stop(): Promise<void>;
}

export function lambdaContext(functionName: string, timeoutMs = 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function toRecord(m: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const a = m.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: v.DataType ?? 'String',
      stringValue: v.StringValue,
      binaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : undefined,
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.AWSTraceHeader ? { AWSTraceHeader: a.AWSTraceHeader } : {}),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes,
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

export interface PollerOptions {
  batchSize?: number;
  concurrency?: number;
  waitTimeSeconds?: number;
  /** The context's time limit (the function's timeout). */
  timeoutMs?: number;
}

/**
 * Runs `handler` on a queue like Lambda's SQS event source mapping with ReportBatchItemFailures:
 * `concurrency` loops each receive up to `batchSize` messages (a short long-poll), build a real
 * SQSEvent, call the handler, and delete every record not named in `batchItemFailures`. Reported
 * failures, and the whole batch when the handler throws or names a record that is not in the batch,
 * stay in the queue and come back after the visibility timeout with a higher ApproximateReceiveCount.
 */
export function lambdaPoller(queueUrl: string, handler: SqsHandler, opts: PollerOptions = {}): Poller {
  const { batchSize = 10, concurrency = 1, waitTimeSeconds = 1, timeoutMs = 60_000 } = opts;
  const sqs = testSqs();
  const region = process.env.AWS_REGION || 'us-east-1';
  const queueName = queueUrl.split('/').pop()!;
  const abort = new AbortController();
  const delivered: SQSRecord[] = [];
  const errors: unknown[] = [];
  const batches = { started: 0, running: 0 };
  let stopped = false;
  let arn: Promise<string> | undefined;
  let visibilityMs: Promise<number> | undefined;
  /** Failed message id → when it is visible again (its visibility timeout runs from its receipt). */
  const parked = new Map<string, number>();
  const park = async (records: SQSRecord[], receivedAt: number) => {
    visibilityMs ??= queueVisibilityMs(queueUrl);
    const until = receivedAt + (await visibilityMs);
    for (const r of records) parked.set(r.messageId, until);
  };

  async function handleBatch(messages: Message[]): Promise<void> {
    const receivedAt = Date.now();
    for (const m of messages) parked.delete(m.MessageId!);
    // local-aws-sqs can return a message twice in one long poll when its visibility timeout runs out
    // during the wait (real SQS does not); hand each message to the handler once, with its newest receipt.
    const unique = [...new Map(messages.map((m) => [m.MessageId!, m])).values()];
    arn ??= queueArn(queueUrl);
    const eventSourceARN = await arn;
    const records = unique.map((m) => toRecord(m, eventSourceARN, region));
    delivered.push(...records);
    let failed: Set<string>;
    try {
      const out = await handler({ Records: records }, lambdaContext(`poller-${queueName}`, timeoutMs));
      const ids = (out?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // Like Lambda: an identifier that is empty or not in the batch fails the whole batch.
      failed = ids.every((id) => id && records.some((r) => r.messageId === id)) ? new Set(ids) : new Set(records.map((r) => r.messageId));
    } catch (err) {
      errors.push(err);
      await park(records, receivedAt);
      return;
    }
    await park(
      records.filter((r) => failed.has(r.messageId)),
      receivedAt,
    );
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) return;
    const out = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }),
    );
    if (out.Failed?.length) errors.push(new Error(`delete failed: ${JSON.stringify(out.Failed)}`));
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let messages: Message[];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            // AttributeNames for local-aws-sqs (it reads only that one), MessageSystemAttributeNames for SQS today.
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (stopped) return;
        errors.push(err);
        // The emulator went away or refused: back off a little instead of spinning on errors.
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (messages.length > 0) {
        batches.started += 1;
        batches.running += 1;
        await handleBatch(messages).finally(() => (batches.running -= 1));
      }
    }
  }

  const loops = Array.from({ length: concurrency }, () => loop());
  return {
    delivered,
    errors,
    batches,
    parked: () => [...parked.values()].filter((until) => until > Date.now()).length,
    async stop() {
      stopped = true;
      abort.abort();
      await Promise.all(loops);
    },
  };
}

/** Visible + in flight (+ delayed) messages of a queue. */
export async function queueDepth(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const out = await testSqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const n = (k: string) => Number(out.Attributes?.[k as keyof typeof out.Attributes] ?? 0);
  return { visible: n('ApproximateNumberOfMessages'), inFlight: n('ApproximateNumberOfMessagesNotVisible'), delayed: n('ApproximateNumberOfMessagesDelayed') };
}

/**
 * Resolves once the queue holds no message, visible or in flight (every message was handled and
 * deleted, or moved to a dead-letter queue); rejects with the last counts after `timeoutMs`.
 */
export async function waitUntilDrained(queueUrl: string, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100 } = opts;
  await waitFor(
    async () => {
      const d = await queueDepth(queueUrl);
      return d.visible + d.inFlight + d.delayed === 0 ? true : JSON.stringify(d);
    },
    { timeoutMs, intervalMs, what: `${queueUrl.split('/').pop()} to drain` },
  );
}

/**
 * Polls `check` until it returns true; any other value describes why not yet, and is reported when
 * the deadline passes.
 */
export async function waitFor(
  check: () => Promise<true | string> | true | string,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, what = 'a condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: string = 'never checked';
  for (;;) {
    const r = await check();
    if (r === true) return;
    last = r;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; last: ${last}`);
    await new Promise((res) => setTimeout(res, intervalMs));
  }
}
