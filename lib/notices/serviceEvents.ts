import { SHARDS } from '../segments/shard';
import type { Table } from '../store/dynamo';
import { queryAll } from '../store/queryAll';
import { serviceEventPk, type ServiceEventKind, type TableItem } from '../table';

export type { ServiceEventKind } from '../table';

/** Every indexed item of a kind whose time lies in [fromIso, toIso] (from the start when fromIso is ''), over all shards. */
export async function serviceEventsBetween(table: Table, kind: ServiceEventKind, fromIso: string, toIso: string): Promise<TableItem[]> {
  const pages = await Promise.all(
    Array.from({ length: SHARDS }, (_, shard) =>
      queryAll(table, {
        IndexName: 'gsi1',
        KeyConditionExpression: fromIso ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to' : 'gsi1pk = :pk AND gsi1sk <= :to',
        ExpressionAttributeValues: { ':pk': serviceEventPk(kind, shard), ':to': `${toIso}#~`, ...(fromIso ? { ':from': fromIso } : {}) },
      }),
    ),
  );
  return pages.flat();
}
