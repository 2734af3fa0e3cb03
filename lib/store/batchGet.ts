import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { tableItem, type TableItem } from '../table/codec';
import type { Table } from './dynamo';

/**
 * BatchGetItem (strongly consistent) in pages of 100 keys, retrying what DynamoDB leaves unprocessed.
 * The items found, keyed `pk|sk`.
 */
export async function batchGet(table: Table, keys: readonly { pk: string; sk: string }[]): Promise<Map<string, TableItem>> {
  const found = new Map<string, TableItem>();
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('batch get: DynamoDB kept keys unprocessed');
      const out = await table.doc.send(new BatchGetCommand({ RequestItems: { [table.name]: { Keys: pending, ConsistentRead: true } } }));
      for (const raw of out.Responses?.[table.name] ?? []) {
        const item = tableItem(raw);
        found.set(`${item.pk}|${item.sk}`, item);
      }
      pending = out.UnprocessedKeys?.[table.name]?.Keys ?? [];
      if (pending.length) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    }
  }
  return found;
}

/** The item batchGet found under a key, if any. */
export function itemAt(found: ReadonlyMap<string, TableItem>, key: { pk: string; sk: string }): TableItem | undefined {
  return found.get(`${key.pk}|${key.sk}`);
}
