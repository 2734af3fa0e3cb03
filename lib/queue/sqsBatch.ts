import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { describeError, log } from '../observability/log';

export interface BatchOptions<T> {
  /** What one message is, for the logs ("send chunk", "round close"). */
  what: string;
  /** Log fields that identify a message (never whole bodies: they may name members). */
  fields?: (message: T) => Record<string, unknown>;
}

/** `retry-later`: not done yet, but nothing broke (e.g. a payout whose answer was lost); SQS hands it back. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing (void) means done.
export type MessageOutcome = void | 'retry-later';

/**
 * Runs `handle` on each message of an SQS batch whose JSON body matches `schema`. A message that does
 * not is logged and dropped (a redelivery would not fix it); one whose handling throws is reported as
 * a batch item failure, and so is one it leaves for later: SQS hands it back after the visibility
 * timeout (ReportBatchItemFailures).
 */
export async function forEachMessage<T>(
  event: SQSEvent,
  schema: z.ZodType<T>,
  opts: BatchOptions<T>,
  handle: (message: T, record: SQSRecord) => Promise<MessageOutcome>,
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      log.warn(`${opts.what} message that does not parse dropped`, { messageId: record.messageId });
      continue;
    }
    try {
      if ((await handle(parsed.data, record)) === 'retry-later') failures.push({ itemIdentifier: record.messageId });
    } catch (err) {
      log.warn(`${opts.what} failed; SQS will redeliver it`, { messageId: record.messageId, ...opts.fields?.(parsed.data), ...describeError(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
