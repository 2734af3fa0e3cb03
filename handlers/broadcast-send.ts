import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { sendPorts, sendQueue } from '../lib/app/broadcast';
import { getRuntime } from '../lib/app/runtime';
import { CHUNK_SIZE, sendChunk, type Chunk, type SendPorts } from '../lib/broadcast/sendChunk';
import type { WorkQueue } from '../lib/queue/queue';
import { log } from '../lib/observability/log';
import { forEachMessage } from '../lib/queue/sqsBatch';
import { SHARDS } from '../lib/segments/shard';

const chunkSchema = z.object({
  broadcastId: z.string().min(1).max(64),
  shard: z.number().int().min(0).max(SHARDS - 1),
  openids: z.array(z.string().min(1).max(128)).min(1).max(CHUNK_SIZE),
  retries: z.number().int().min(0).max(1000).optional(),
});

/** A chunk that must try again comes back after 10 s, 20 s, 40 s … at most 5 minutes. */
export const retryDelaySeconds = (retries: number) => Math.min(300, 10 * 2 ** retries);
const MAX_RETRIES = 30;

export interface SendWiring {
  ports: SendPorts;
  /** Where a held chunk goes back to, with a delay. */
  queue: WorkQueue<Chunk>;
}

/**
 * The send worker (SQS): each message is one chunk of a broadcast. A chunk that must wait (quiet
 * hours, the daily quota) goes back on the queue with a delay, and so does one that hit a transient
 * error (with a growing delay). A crash, or a chunk that could not be sent back, is a batch item
 * failure and comes back after the visibility timeout.
 */
export function createSendHandler(wire: () => Promise<SendWiring>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => processChunks(await wire(), event);
}

function processChunks(wired: SendWiring, event: SQSEvent): Promise<SQSBatchResponse> {
  return forEachMessage(event, chunkSchema, { what: 'send chunk', fields: (c) => ({ broadcastId: c.broadcastId }) }, async (chunk) => {
    const result = await sendChunk(wired.ports, chunk);
    // Sent back explicitly rather than left to the visibility timeout: the backoff grows, and it
    // works the same under serverless-offline-sqs, which deletes a batch whatever it reports.
    if (result.kind === 'retry') {
      const retries = chunk.retries ?? 0;
      if (retries >= MAX_RETRIES) log.error('send chunk gave up; its members stay unsettled', { broadcastId: chunk.broadcastId, shard: chunk.shard, openids: chunk.openids.length });
      else await wired.queue.send([{ ...chunk, retries: retries + 1 }], { delaySeconds: retryDelaySeconds(retries) });
    }
    if (result.kind === 'hold') await wired.queue.send([chunk], { delaySeconds: Math.min(900, (result.untilMs - wired.ports.clock.now()) / 1000) });
  });
}

let wired: SendWiring | undefined;

export const handleSend = createSendHandler(async () => {
  const rt = await getRuntime();
  wired ??= { ports: sendPorts(rt), queue: sendQueue(rt) };
  return wired;
});

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(handleSend);
