import type { WorkQueue } from '../queue/queue';
import { log } from '../observability/log';
import { sendChunk, type Chunk, type SendPorts } from './sendChunk';

/** A chunk that must try again comes back after 10 s, 20 s, 40 s … at most 5 minutes. */
export const retryDelaySeconds = (retries: number) => Math.min(300, 10 * 2 ** retries);
const MAX_RETRIES = 30;

export interface ChunkWorkerPorts {
  ports: SendPorts;
  /** Where a held chunk goes back to, with a delay. */
  queue: WorkQueue<Chunk>;
}

/**
 * One chunk off the send queue. A chunk that must wait (quiet hours, the daily quota) goes back on
 * the queue with a delay, and so does one that hit a transient error (with a growing delay). A
 * crash, or a chunk that could not be sent back, throws: SQS hands it back after the visibility timeout.
 */
export async function workChunk(chunk: Chunk, { ports, queue }: ChunkWorkerPorts): Promise<void> {
  const result = await sendChunk(ports, chunk);
  // Sent back explicitly rather than left to the visibility timeout: the backoff grows, and it
  // works the same under serverless-offline-sqs, which deletes a batch whatever it reports.
  if (result.kind === 'retry') {
    const retries = chunk.retries ?? 0;
    if (retries >= MAX_RETRIES)
      log.error('send chunk gave up; its members stay unsettled', { broadcastId: chunk.broadcastId, shard: chunk.shard, openids: chunk.openids.length });
    else await queue.send([{ ...chunk, retries: retries + 1 }], { delaySeconds: retryDelaySeconds(retries) });
  }
  if (result.kind === 'hold') await queue.send([chunk], { delaySeconds: Math.min(900, (result.untilMs - ports.clock.now()) / 1000) });
}
