import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';

export type Item = Record<string, unknown> & { pk: string; sk: string };

/** Everything kept under the member's partition: profile, ledger, tags, coupons held, history… */
export async function memberItems(table: Table, openid: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(
      new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `MEMBER#${openid}` }, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Groups by the sort-key prefix (`LEDGER#…` → ledger), without the key attributes. */
export function bySection(items: Item[]): Record<string, Record<string, unknown>[]> {
  const sections: Record<string, Record<string, unknown>[]> = {};
  for (const { pk: _pk, sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } of items) {
    const name = sk === 'PROFILE' ? 'profile' : sk.split('#')[0]!.toLowerCase();
    (sections[name] ??= []).push(rest);
  }
  return sections;
}
