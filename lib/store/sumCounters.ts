import { COUNTER_PREFIX } from '../table/activity';
import type { Table } from './dynamo';
import { queryPartition } from './queryPartition';

/** The numeric attributes of a partition's sharded counter items (`COUNT#<shard>`), summed by name. */
export async function sumCounters(table: Table, pk: string): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const item of await queryPartition(table, pk, { prefix: COUNTER_PREFIX })) {
    for (const [k, v] of Object.entries(item)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
  }
  return totals;
}
