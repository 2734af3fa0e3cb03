import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { isConditionFailure, type Table } from '../store/dynamo';
import { activeDayKey, statsPk, statsShardKey, updateExpression } from '../table';
import type { StatsStore } from './dailyStats';

/** Counter items per day are spread over this many shards: a crowd subscribing at once is fine. */
export const STATS_SHARDS = 8;

function shardOf(key: string): number {
  return createHash('md5').update(key).digest().readUInt32BE(0) % STATS_SHARDS;
}

export function dynamoStatsStore(table: Table): StatsStore {
  return {
    async add(day, counts, spreadKey) {
      const add = Object.fromEntries(Object.entries(counts).filter(([, v]) => v));
      if (Object.keys(add).length === 0) return;
      await table.doc.send(new UpdateCommand({ TableName: table.name, Key: statsShardKey(day, shardOf(spreadKey)), ...updateExpression({ add }) }));
    },

    async markActive(day, openid) {
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...activeDayKey(openid, day), expiresAt: Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 3 * 86400 },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async read(days) {
      const result = new Map<string, Record<string, number>>();
      await Promise.all(
        days.map(async (day) => {
          const sum: Record<string, number> = {};
          const out = await table.doc.send(
            new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': statsPk(day) } }),
          );
          for (const item of out.Items ?? []) {
            for (const [k, v] of Object.entries(item)) if (k !== 'pk' && k !== 'sk' && typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
          }
          result.set(day, sum);
        }),
      );
      return result;
    },
  };
}
