/** A work queue: SQS in AWS and under `npm start` (local-aws-sqs), or anything with `send` in unit tests. */
export interface WorkQueue<T> {
  /** Sends every message (in batches the queue accepts); throws when some could not be sent. */
  send(messages: readonly T[], opts?: { delaySeconds?: number }): Promise<void>;
}
