import type { SQSClient } from '@aws-sdk/client-sqs';
import { pauseWithin, currentDeadline } from '../deadline/deadline';
import { boundByDeadline, requestHandlerOptions, retryWithinDeadline } from '../deadline/sdkClients';
import type { WorkQueue } from './queue';

/** SQS answers a send in milliseconds; a stuck one is retried or given up (under a push's deadline: 1 s an attempt, aborted at the deadline). */
const SQS_TIMEOUTS = { connectTimeoutMs: 3000, requestTimeoutMs: 10_000 };

/**
 * An SQS client made on first use (the Lambda runtime ships the SDK) and kept by its owner (the
 * app). `endpoint` points it at the local emulator under `npm start` and in tests.
 */
export function lazySqsClient(opts: { endpoint?: string; region: string }): () => Promise<SQSClient> {
  let client: Promise<SQSClient> | undefined;
  return () => {
    client ??= import('@aws-sdk/client-sqs').then(({ SQSClient }) => {
      const local = opts.endpoint ? { endpoint: opts.endpoint, region: opts.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {};
      return boundByDeadline(new SQSClient({ ...local, retryStrategy: retryWithinDeadline(), requestHandler: requestHandlerOptions(SQS_TIMEOUTS) }), {
        attemptTimeoutMs: 1000,
      });
    });
    return client;
  };
}

const BATCH = 10;

/** JSON messages to one SQS queue, ten per SendMessageBatch, retrying the entries SQS refused. */
export function sqsQueue<T>(queueUrl: string, sqsClient: () => Promise<SQSClient>): WorkQueue<T> {
  return {
    async send(messages, opts = {}) {
      const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
      const sqs = await sqsClient();
      for (let i = 0; i < messages.length; i += BATCH) {
        let entries = messages.slice(i, i + BATCH).map((m, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(m),
          ...(opts.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.ceil(opts.delaySeconds))) } : {}),
        }));
        for (let attempt = 0; entries.length > 0; attempt++) {
          if (attempt > 4) throw new Error(`sqs: ${entries.length} messages could not be sent to ${queueUrl}`);
          // Under a push's deadline a refused entry is retried only while there is time for it.
          if (attempt > 0 && !(await pauseWithin(currentDeadline(), 50 * 2 ** attempt, 100)))
            throw new Error(`sqs: ${entries.length} messages not sent to ${queueUrl} before the deadline`);
          const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          entries = entries.filter((e) => failed.has(e.Id));
        }
      }
    },
  };
}
