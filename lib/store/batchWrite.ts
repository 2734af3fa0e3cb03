import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Table } from './dynamo';

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * BatchWriteItem in groups of 25, in order, retrying what DynamoDB leaves unprocessed with backoff.
 * `parallel` groups go at once (order between groups is then not kept).
 */
export async function batchWriteAll(table: Table, requests: readonly WriteRequest[], opts: { parallel?: number; what?: string } = {}): Promise<void> {
  const groups: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) groups.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      let pending: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = groups[next++]!;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`${opts.what ?? 'batch write'}: DynamoDB kept items unprocessed`);
        const out = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: pending } }));
        pending = out.UnprocessedItems?.[table.name] ?? [];
        if (pending.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 1) }, worker));
}
