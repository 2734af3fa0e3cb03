import type { App } from '../lib/app/createApp';
import { sendWorkerPorts } from '../lib/app/broadcast';
import type { ChunkWorkerPorts } from '../lib/broadcast/workChunk';
import { workChunk } from '../lib/broadcast/workChunk';
import { sqsWorker } from '../lib/lambda/appHandler';
import { sendChunkMessageSchema } from '../lib/queue/messages';

/**
 * The send worker (SQS): each message is one chunk of a broadcast (lib/broadcast/workChunk.ts).
 * `ports` lets a test wrap the worker's ports (to crash it mid-chunk).
 */
export function sendWorker(ports: (app: App) => ChunkWorkerPorts = sendWorkerPorts) {
  return sqsWorker({
    what: 'send chunk',
    schema: sendChunkMessageSchema,
    fields: (c) => ({ broadcastId: c.broadcastId }),
    ports,
    handle: (chunk, p) => workChunk(chunk, p),
  });
}

export const handler = sendWorker();
