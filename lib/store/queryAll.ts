import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableItem, type TableItem } from '../table/codec';
import type { Table } from './dynamo';

/** Every item a query matches (table or index), following LastEvaluatedKey through the pages. */
export async function queryAll(table: Table, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<TableItem[]> {
  const items: TableItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(new QueryCommand({ ...input, TableName: table.name, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []).map(tableItem));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
