import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { payoutPorts } from '../lib/app/payouts';
import { getRuntime } from '../lib/app/runtime';
import { describeError, log } from '../lib/observability/log';
import { processPayout } from '../lib/payouts/processPayout';

/**
 * The payout worker (SQS, batches of 10, reserved concurrency keeps it under WeChat Pay's 100 QPS).
 * An order whose answer was lost is reported as a batch item failure, so SQS hands it back later;
 * the ref never changes, so a redelivery can never pay twice. A held order (refused for a reason that
 * can clear) and a stale step (another worker has the order) are done here: the reconciliation retries
 * held orders with backoff.
 */
export async function handlePayouts(event: SQSEvent): Promise<SQSBatchResponse> {
  const rt = await getRuntime();
  const ports = await payoutPorts(rt);
  if (!ports) throw new Error('payout worker: WeChat Pay is not configured');
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { ref } = JSON.parse(record.body) as { ref?: unknown };
      if (typeof ref !== 'string') {
        log.warn('payout message without a ref dropped', { messageId: record.messageId });
        continue;
      }
      if ((await processPayout(ports, ref)) === 'retry-later') failures.push({ itemIdentifier: record.messageId });
    } catch (err) {
      log.warn('payout step failed', { messageId: record.messageId, ...describeError(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(handlePayouts);
