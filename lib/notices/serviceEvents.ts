import { SHARDS, shardOf } from '../segments/shard';
import type { Table } from '../store/dynamo';
import { queryAll } from '../store/queryAll';

/**
 * Service events that re-engagement rules turn into notices, indexed by time on gsi1 (sharded like
 * the segment indexes): a coupon's expiry, a pending level-change notice, a wallet's last credit,
 * a sign-in.
 * The index attributes sit on the items that already exist for these events, so recording an
 * event costs no extra write.
 */
export type ServiceEventKind = 'COUPONEXP' | 'LEVELNOTICE' | 'WALLETCREDIT' | 'SIGNIN';

export function serviceEventIndex(kind: ServiceEventKind, openid: string, atIso: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: `${kind}#${shardOf(openid)}`, gsi1sk: `${atIso}#${openid}` };
}

/** Every indexed item of a kind whose time lies in [fromIso, toIso] (from the start when fromIso is ''), over all shards. */
export async function serviceEventsBetween(table: Table, kind: ServiceEventKind, fromIso: string, toIso: string): Promise<Record<string, unknown>[]> {
  const pages = await Promise.all(
    Array.from({ length: SHARDS }, (_, shard) =>
      queryAll(table, {
        IndexName: 'gsi1',
        KeyConditionExpression: fromIso ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to' : 'gsi1pk = :pk AND gsi1sk <= :to',
        ExpressionAttributeValues: { ':pk': `${kind}#${shard}`, ':to': `${toIso}#~`, ...(fromIso ? { ':from': fromIso } : {}) },
      }),
    ),
  );
  return pages.flat();
}
