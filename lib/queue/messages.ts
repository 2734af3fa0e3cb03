import { z } from 'zod';
import { CHUNK_SIZE } from '../broadcast/sendChunk';
import { SHARDS } from '../segments/shard';

/**
 * What goes on each queue: the sender's type and the schema its worker parses every body with
 * (lib/lambda/handler.ts), in one place, so a sender and its worker cannot drift apart.
 */

/** The payout worker's message (handlers/payout): the order's fixed out_bill_no / mch_billno. */
export const payoutMessageSchema = z.object({ ref: z.string().min(1).max(128) });
export type PayoutMessage = z.infer<typeof payoutMessageSchema>;

/** The send worker's message (handlers/broadcast-send): one chunk of one shard of a broadcast. */
export const sendChunkMessageSchema = z.object({
  broadcastId: z.string().min(1).max(64),
  shard: z
    .number()
    .int()
    .min(0)
    .max(SHARDS - 1),
  openids: z.array(z.string().min(1).max(128)).min(1).max(CHUNK_SIZE),
  retries: z.number().int().min(0).max(1000).optional(),
});

/** The round-closing worker's message (handlers/redpacket-close). */
export const roundCloseMessageSchema = z.object({
  campaignId: z.string().min(1).max(128),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type RoundCloseMessage = z.infer<typeof roundCloseMessageSchema>;

/** The import worker's message (handlers/import-worker): a job to start or continue. */
export const importJobMessageSchema = z.object({ jobId: z.string().min(1).max(128) });
export type ImportJobMessage = z.infer<typeof importJobMessageSchema>;
