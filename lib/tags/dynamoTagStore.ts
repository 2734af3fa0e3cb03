import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';
import { decodeMember, memberKey, tagItem, tagItemKey, transactWrite, versionGuard } from '../table';
import type { TagStore } from './tagStore';
import { planTagChange } from './tags';

const MAX_ATTEMPTS = 10;

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
        const profile = decodeMember(read.Item);
        const current = profile.tags;
        const plan = planTagChange(current, change);
        if (plan.status === 'too-many') return plan;
        if (plan.added.length === 0 && plan.removed.length === 0) return { status: 'ok', tags: current };
        const version = profile.version ?? 0;
        const at = new Date(nowMs).toISOString();
        const guard = versionGuard(version, { exists: true });
        const written = await transactWrite(table, {
          profile: {
            Update: {
              Key: memberKey(openid),
              UpdateExpression: 'SET tags = :tags, version = :next, updatedAt = :at',
              ConditionExpression: guard.ConditionExpression,
              ExpressionAttributeValues: { ':tags': plan.tags, ':next': version + 1, ':at': at, ...guard.values },
            },
          },
          added: plan.added.map((tag) => ({ Put: { Item: tagItem(openid, tag, at) } })),
          removed: plan.removed.map((tag) => ({ Delete: { Key: tagItemKey(openid, tag) } })),
        });
        if (written.status === 'written') return { status: 'ok', tags: plan.tags };
        // The profile changed under us (a points change, another tag edit): re-read and retry.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
      }
      throw new Error(`tags: gave up after ${MAX_ATTEMPTS} attempts under contention`);
    },
  };
}
