import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { closeRoundPorts } from '../lib/app/redpacket';
import { getRuntime } from '../lib/app/runtime';
import { describeError, log } from '../lib/observability/log';
import { closeRound } from '../lib/redpacket/closeRound';

const messageSchema = z.object({
  campaignId: z.string().min(1).max(128),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/**
 * The round-closing worker (SQS): a grab that took a round's last share hands the round here instead
 * of closing it on the follower's reply. Closing is idempotent (a closed round is left alone, a
 * closer that died is taken over after its lease, the winner is told at most once), so a redelivery
 * or the minute schedule closing the same round does no harm.
 */
export async function handleRoundClose(event: SQSEvent): Promise<SQSBatchResponse> {
  const rt = await getRuntime();
  const ports = closeRoundPorts(rt);
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const message = messageSchema.safeParse(body);
    if (!message.success) {
      log.warn('round-close message that is not a round dropped', { messageId: record.messageId });
      continue;
    }
    try {
      const closed = await closeRound(ports, message.data.campaignId, message.data.day);
      log.info('emptied round', { ...message.data, status: closed.status });
    } catch (err) {
      log.warn('closing a round failed; SQS will redeliver it', { messageId: record.messageId, ...message.data, ...describeError(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(handleRoundClose);
