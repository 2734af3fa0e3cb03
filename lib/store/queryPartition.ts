import type { TableItem } from '../table/codec';
import type { Table } from './dynamo';
import { queryAll } from './queryAll';

/** Every item of one partition (optionally only sort keys starting with `prefix`), following the pages. */
export function queryPartition(table: Table, pk: string, opts: { prefix?: string; consistent?: boolean } = {}): Promise<TableItem[]> {
  return queryAll(table, {
    KeyConditionExpression: opts.prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk, ...(opts.prefix ? { ':p': opts.prefix } : {}) },
    ConsistentRead: opts.consistent,
  });
}
