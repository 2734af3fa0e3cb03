import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { closeRoundPorts } from '../lib/app/redpacket';
import { getRuntime } from '../lib/app/runtime';
import { log } from '../lib/observability/log';
import { forEachMessage } from '../lib/queue/sqsBatch';
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
  const ports = closeRoundPorts(await getRuntime());
  return forEachMessage(event, messageSchema, { what: 'round close', fields: (m) => m }, async ({ campaignId, day }) => {
    const closed = await closeRound(ports, campaignId, day);
    log.info('emptied round', { campaignId, day, status: closed.status });
  });
}

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(handleRoundClose);
