import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './dynamo';

/** Every item of one partition (optionally only sort keys starting with `prefix`), following the pages. */
export async function queryPartition(table: Table, pk: string, opts: { prefix?: string; consistent?: boolean } = {}): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: opts.prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(opts.prefix ? { ':p': opts.prefix } : {}) },
        ConsistentRead: opts.consistent,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
