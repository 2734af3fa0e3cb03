import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { dedupItemKey, isObject, type RawItem } from '../table';
import type { DedupState, DedupStore } from './dedupStore';

/** A claim older than this belongs to a delivery that died; a later retry may take it over. */
const LEASE_MS = 15_000;
/** WeChat retries within seconds; a day of memory is plenty and TTL cleans up. */
const KEEP_SECONDS = 24 * 3600;

const key = dedupItemKey;

function toState(item: RawItem | undefined): DedupState {
  if (!item) return { status: 'absent' };
  if (item.state === 'done') return { status: 'done', reply: String(item.reply ?? '') };
  return { status: 'pending' };
}

export function dynamoDedupStore(table: Table): DedupStore {
  return {
    async claim(k, nowMs) {
      // Names this claim, so an SDK retry of a put that landed but lost its answer knows the claim is
      // its own (and does not wait for itself as if it were another delivery).
      const claimId = randomUUID();
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...key(k), state: 'pending', claimId, leaseUntil: nowMs + LEASE_MS, expiresAt: Math.floor(nowMs / 1000) + KEEP_SECONDS },
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :pending AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pending': 'pending', ':now': nowMs },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { status: 'claimed' };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const raw = isObject(err) && isObject(err.Item) ? err.Item : undefined;
        const old = raw ? unmarshallLoose(raw) : undefined;
        if (old?.claimId === claimId && old.state === 'pending') return { status: 'claimed' };
        const found = old ? toState(old) : await this.read(k);
        // The condition failed, so the item is there (or was, a moment ago) and not ours to take.
        return found.status === 'absent' ? { status: 'pending' } : found;
      }
    },

    async complete(k, reply, nowMs) {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: key(k),
          UpdateExpression: 'SET #state = :done, reply = :reply, completedAt = :now REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': 'done', ':reply': reply, ':now': nowMs },
        }),
      );
    },

    async release(k) {
      await table.doc
        .send(
          new DeleteCommand({
            TableName: table.name,
            Key: key(k),
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        )
        .catch((err) => {
          if (!isConditionFailure(err)) throw err;
        });
    },

    async read(k) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(k), ConsistentRead: true }));
      return toState(out.Item);
    },
  };
}

/** The condition-failure item comes back in DynamoDB's attribute-value form. */
function unmarshallLoose(item: RawItem): RawItem {
  const out: RawItem = {};
  for (const [k, v] of Object.entries(item)) {
    const av = isObject(v) ? v : {};
    out[k] = typeof av.S === 'string' ? av.S : typeof av.N === 'string' ? Number(av.N) : typeof av.BOOL === 'boolean' ? av.BOOL : v;
  }
  return out;
}
