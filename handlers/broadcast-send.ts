import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { sendPorts, sendQueue } from '../lib/app/broadcast';
import { getRuntime } from '../lib/app/runtime';
import { CHUNK_SIZE, sendChunk, type Chunk, type SendPorts } from '../lib/broadcast/sendChunk';
import type { WorkQueue } from '../lib/queue/queue';
import { describeError, log } from '../lib/observability/log';
import { SHARDS } from '../lib/segments/shard';

const chunkSchema = z.object({
  broadcastId: z.string().min(1).max(64),
  shard: z.number().int().min(0).max(SHARDS - 1),
  openids: z.array(z.string().min(1).max(128)).min(1).max(CHUNK_SIZE),
});

export interface SendWiring {
  ports: SendPorts;
  /** Where a held chunk goes back to, with a delay. */
  queue: WorkQueue<Chunk>;
}

/**
 * The send worker (SQS): each message is one chunk of a broadcast. A chunk that must wait (quiet
 * hours, the daily quota) goes back on the queue with a delay; one that hit a transient error is
 * reported as a batch item failure and comes back after the visibility timeout.
 */
export function createSendHandler(wire: () => Promise<SendWiring>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => processChunks(await wire(), event);
}

async function processChunks(wired: SendWiring, event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const chunk = chunkSchema.safeParse(body);
    if (!chunk.success) {
      log.warn('send message that is not a chunk dropped', { messageId: record.messageId });
      continue;
    }
    try {
      const result = await sendChunk(wired.ports, chunk.data);
      if (result.kind === 'retry') failures.push({ itemIdentifier: record.messageId });
      if (result.kind === 'hold') await wired.queue.send([chunk.data], { delaySeconds: Math.min(900, (result.untilMs - wired.ports.clock.now()) / 1000) });
    } catch (err) {
      log.warn('send chunk failed; SQS will redeliver it', { messageId: record.messageId, broadcastId: chunk.data.broadcastId, ...describeError(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

let wired: SendWiring | undefined;

export const handleSend = createSendHandler(async () => {
  const rt = await getRuntime();
  wired ??= { ports: sendPorts(rt), queue: sendQueue(rt) };
  return wired;
});

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(handleSend);
