import type { Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';

export type Item = Record<string, unknown> & { pk: string; sk: string };

/** Everything kept under the member's partition: profile, ledger, tags, coupons held, history… */
export async function memberItems(table: Table, openid: string): Promise<Item[]> {
  return (await queryPartition(table, `MEMBER#${openid}`, { consistent: true })) as Item[];
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
