import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { memberKey } from '../members/dynamoMemberStore';
import { tagKey } from '../segments/shard';
import type { Table } from '../store/dynamo';
import type { TagStore } from './tagStore';
import { planTagChange } from './tags';

const MAX_ATTEMPTS = 10;

/** One item per member and tag, in the sharded tag index (gsi2). */
export const tagItemKey = (openid: string, tag: string) => ({ pk: `MEMBER#${openid}`, sk: `TAG#${tag}` });

/**
 * One TransactWriteItems per change: the profile's `tags` (guarded by the profile's `version`, the
 * same optimistic lock the points ledger uses) plus a put or delete of each tag index item.
 */
export function dynamoTagStore(table: Table): TagStore {
  return {
    async change(openid, change, nowMs) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const read = await table.doc.send(new GetCommand({ TableName: table.name, Key: memberKey(openid), ConsistentRead: true }));
        if (!read.Item) return { status: 'no-member' };
        const current = (read.Item.tags as string[] | undefined) ?? [];
        const plan = planTagChange(current, change);
        if (plan.status === 'too-many') return plan;
        if (plan.added.length === 0 && plan.removed.length === 0) return { status: 'ok', tags: current };
        const version = Number(read.Item.version ?? 0);
        const at = new Date(nowMs).toISOString();
        try {
          await table.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table.name,
                    Key: memberKey(openid),
                    UpdateExpression: 'SET tags = :tags, version = :next, updatedAt = :at',
                    ConditionExpression: version === 0 ? 'attribute_exists(pk) AND attribute_not_exists(version)' : 'version = :version',
                    ExpressionAttributeValues: { ':tags': plan.tags, ':next': version + 1, ':at': at, ...(version === 0 ? {} : { ':version': version }) },
                  },
                },
                ...plan.added.map((tag) => ({
                  Put: { TableName: table.name, Item: { ...tagItemKey(openid, tag), gsi2pk: tagKey(tag, openid), gsi2sk: openid, openid, tag, at } },
                })),
                ...plan.removed.map((tag) => ({ Delete: { TableName: table.name, Key: tagItemKey(openid, tag) } })),
              ],
            }),
          );
          return { status: 'ok', tags: plan.tags };
        } catch (err) {
          if ((err as { name?: string }).name !== 'TransactionCanceledException') throw err;
          // The profile changed under us (a points change, another tag edit): re-read and retry.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
        }
      }
      throw new Error(`tags: gave up after ${MAX_ATTEMPTS} attempts under contention`);
    },
  };
}
