import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from './queue';

let client: Promise<SQSClient> | undefined;

/**
 * One SQS client per container, loaded on demand (the Lambda runtime ships the SDK). SQS_ENDPOINT
 * points it at the local emulator under `npm start` and in tests.
 */
function sqsClient(): Promise<SQSClient> {
  client ??= import('@aws-sdk/client-sqs').then(({ SQSClient }) => {
    const endpoint = process.env.SQS_ENDPOINT;
    return new SQSClient(endpoint ? { endpoint, region: process.env.AWS_REGION || 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {});
  });
  return client;
}

const BATCH = 10;

/** JSON messages to one SQS queue, ten per SendMessageBatch, retrying the entries SQS refused. */
export function sqsQueue<T>(queueUrl: string): WorkQueue<T> {
  return {
    async send(messages, opts = {}) {
      const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
      const sqs = await sqsClient();
      for (let i = 0; i < messages.length; i += BATCH) {
        let entries = messages.slice(i, i + BATCH).map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m), ...(opts.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.ceil(opts.delaySeconds))) } : {}) }));
        for (let attempt = 0; entries.length > 0; attempt++) {
          if (attempt > 4) throw new Error(`sqs: ${entries.length} messages could not be sent to ${queueUrl}`);
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          entries = entries.filter((e) => failed.has(e.Id));
        }
      }
    },
  };
}
