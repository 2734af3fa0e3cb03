import { queryPartition } from '../store/queryPartition';
import type { Table } from '../store/dynamo';
import type { Item } from './family';

/** Everything kept under the member's partition: profile, ledger, tags, coupons held, dedup records… */
export async function memberItems(table: Table, openid: string): Promise<Item[]> {
  return (await queryPartition(table, `MEMBER#${openid}`, { consistent: true })) as Item[];
}
