import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { putIf, type Table } from '../store/dynamo';
import { BROADCAST_DUE as DUE, BROADCASTS_PK as PK, broadcastItem as item, broadcastKey, decodeBroadcast } from '../table';
import type { BroadcastRecord } from './broadcast';

/** Broadcasts, and the due index the dispatcher reads every minute. */
export interface BroadcastStore {
  get(id: string): Promise<BroadcastRecord | undefined>;
  /** Newest first. */
  list(limit: number): Promise<BroadcastRecord[]>;
  /** Broadcasts whose dueAt ≤ now, earliest first. */
  due(nowIso: string, limit: number): Promise<BroadcastRecord[]>;
  /** false when the id exists already. */
  create(b: BroadcastRecord): Promise<boolean>;
  /** Writes `b` (its version bumped by the caller) only if the stored version is still `readVersion`. */
  save(b: BroadcastRecord, readVersion: number): Promise<'saved' | 'conflict'>;
}

export function dynamoBroadcastStore(table: Table): BroadcastStore {
  return {
    async get(id) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: broadcastKey(id), ConsistentRead: true }));
      return out.Item ? decodeBroadcast(out.Item) : undefined;
    },
    async list(limit) {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.name,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PK },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(decodeBroadcast);
    },
    async due(nowIso, limit) {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.name,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
          ExpressionAttributeValues: { ':due': DUE, ':now': `${nowIso}#~` },
          Limit: limit,
        }),
      );
      // The index is eventually consistent: read each record itself before acting on it.
      const found = await Promise.all((out.Items ?? []).map((i) => this.get(String(i.sk))));
      return found.filter((b): b is BroadcastRecord => !!b && !!b.dueAt && b.dueAt <= nowIso);
    },
    create: (b) => putIf(table, item(b), 'attribute_not_exists(pk)'),
    save: async (b, readVersion) => ((await putIf(table, item(b), 'version = :v', { ':v': readVersion })) ? 'saved' : 'conflict'),
  };
}
