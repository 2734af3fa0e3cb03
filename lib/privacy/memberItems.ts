import { queryPartition } from '../store/queryPartition';
import type { Table } from '../store/dynamo';
import { memberPk } from '../table';
import type { Item } from './family';

/** Everything kept under the member's partition: profile, ledger, tags, coupons held, dedup records… */
export async function memberItems(table: Table, openid: string): Promise<Item[]> {
  return queryPartition(table, memberPk(openid), { consistent: true });
}
