import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { memberKey, toMember } from '../members/dynamoMemberStore';
import { batchGet } from '../store/batchGet';
import { cancellationCodes, isConditionFailure, type Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';
import type { Touch } from './broadcast';
import { counterKey, counterPk, deliveryPk, msgKey, touchKey } from './deliveryKeys';
import type { ChunkFacts, DeliveryRecord, DeliveryStore, Outcome } from './deliveryStore';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Touch items outlive the longest window that reads them (frequency cap ≤ 28 days, this month and the last). */
const TOUCH_TTL_S = 70 * 86_400;
const MSG_TTL_S = 14 * 86_400;

const CLAIMABLE = 'attribute_not_exists(pk) OR #state = :retry OR (#state = :claimed AND claimedAt < :cutoff)';

function counterName(o: Outcome): string | undefined {
  switch (o.state) {
    case 'sent':
      return `sent.${o.channel}`;
    case 'skipped':
      return `skipped.${o.reason}`;
    case 'failed':
      return `failed.${o.errcode}`;
    default:
      return undefined;
  }
}

function recordOf(o: Outcome, nowIso: string): DeliveryRecord {
  switch (o.state) {
    case 'sent':
      return { state: 'sent', channel: o.channel, at: nowIso, ...(o.msgid ? { msgid: o.msgid } : {}) };
    case 'skipped':
      return { state: 'skipped', reason: o.reason };
    case 'failed':
      return { state: 'failed', errcode: o.errcode, errmsg: o.errmsg };
    case 'retry':
      return { state: 'retry', attempts: o.attempts, errcode: o.errcode };
  }
}

/** Runs a transaction, retrying conflicts; items whose condition failed are dropped and the rest retried. */
async function transact(table: Table, build: (skip: Set<number>) => { items: TxItem[]; owners: number[] }): Promise<void> {
  const skip = new Set<number>();
  for (let attempt = 0; ; attempt++) {
    const { items, owners } = build(skip);
    if (items.length === 0) return;
    try {
      await table.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      const codes = cancellationCodes(err);
      if (!codes || attempt > 8) throw err;
      codes.forEach((c, i) => c === 'ConditionalCheckFailed' && owners[i]! >= 0 && skip.add(owners[i]!));
      await new Promise((r) => setTimeout(r, Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }
}

export function dynamoDeliveryStore(table: Table): DeliveryStore {
  const T = table.name;
  return {
    async read(chunk, openids, months) {
      const pk = deliveryPk(chunk.broadcastId, chunk.shard);
      const keys = openids.flatMap((o) => [{ pk, sk: o }, memberKey(o), ...months.map((m) => touchKey(o, m))]);
      const found = await batchGet(table, keys);
      const facts: ChunkFacts = { records: new Map(), members: new Map(), touches: new Map() };
      for (const o of openids) {
        const record = found.get(`${pk}|${o}`);
        if (record) facts.records.set(o, record.record as DeliveryRecord);
        const profile = found.get(`MEMBER#${o}|PROFILE`);
        if (profile) facts.members.set(o, toMember(profile));
        facts.touches.set(o, months.flatMap((m) => (found.get(`MEMBER#${o}|TOUCH#${m}`)?.touches as Touch[] | undefined) ?? []));
      }
      return facts;
    },

    async claim(chunk, wanted, token, nowMs, leaseMs) {
      const pk = deliveryPk(chunk.broadcastId, chunk.shard);
      let claimed: string[] = [];
      await transact(table, (skip) => {
        const picked = wanted.map((w, i) => ({ w, i })).filter(({ i }) => !skip.has(i));
        claimed = picked.map(({ w }) => w.openid);
        return {
          owners: picked.map(({ i }) => i),
          items: picked.map(({ w }) => ({
            Put: {
              TableName: T,
              Item: { pk, sk: w.openid, record: { state: 'claimed', token, claimedAt: nowMs, attempts: w.attempts, channel: w.channel }, state: 'claimed', claimedAt: nowMs },
              ConditionExpression: CLAIMABLE,
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':retry': 'retry', ':claimed': 'claimed', ':cutoff': nowMs - leaseMs },
            },
          })),
        };
      });
      return claimed;
    },

    async finish(chunk, outcomes, token, ctx) {
      const pk = deliveryPk(chunk.broadcastId, chunk.shard);
      const nowIso = new Date(ctx.nowMs).toISOString();
      const expires = Math.floor(ctx.nowMs / 1000);
      await transact(table, (skip) => {
        const kept = outcomes.map((o, i) => ({ o, i })).filter(({ i }) => !skip.has(i));
        const items: TxItem[] = [];
        const owners: number[] = [];
        for (const { o, i } of kept) {
          const record = recordOf(o, nowIso);
          const item = { pk, sk: o.openid, record, state: record.state };
          items.push({
            Put: o.claimed
              ? { TableName: T, Item: item, ConditionExpression: '#state = :claimed AND #record.#token = :token', ExpressionAttributeNames: { '#state': 'state', '#record': 'record', '#token': 'token' }, ExpressionAttributeValues: { ':claimed': 'claimed', ':token': token } }
              : { TableName: T, Item: item, ConditionExpression: CLAIMABLE, ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':retry': 'retry', ':claimed': 'claimed', ':cutoff': ctx.nowMs - ctx.leaseMs } },
          });
          owners.push(i);
        }
        const counts = new Map<string, number>();
        for (const { o } of kept) {
          const name = counterName(o);
          if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        if (counts.size > 0) {
          const names = [...counts.keys()];
          items.push({
            Update: {
              TableName: T,
              Key: counterKey(chunk.broadcastId, chunk.shard),
              UpdateExpression: `ADD ${names.map((_, j) => `#c${j} :c${j}`).join(', ')}`,
              ExpressionAttributeNames: Object.fromEntries(names.map((n, j) => [`#c${j}`, n])),
              ExpressionAttributeValues: Object.fromEntries(names.map((n, j) => [`:c${j}`, counts.get(n)!])),
            },
          });
          owners.push(-1);
        }
        const sent = kept.flatMap(({ o }) => (o.state === 'sent' ? [o] : []));
        for (const o of sent) {
          const touch: Touch = { at: nowIso, id: chunk.broadcastId, ...(o.channel === 'mass' ? { mass: true } : {}) };
          items.push({
            Update: {
              TableName: T,
              Key: touchKey(o.openid, ctx.month),
              UpdateExpression: 'SET touches = list_append(if_not_exists(touches, :empty), :t), expiresAt = :exp',
              ExpressionAttributeValues: { ':empty': [], ':t': [touch], ':exp': expires + TOUCH_TTL_S },
            },
          });
          owners.push(-1);
          if (o.msgid && o.channel !== 'mass') {
            items.push({ Put: { TableName: T, Item: { ...msgKey(o.msgid), broadcastId: chunk.broadcastId, shard: chunk.shard, openid: o.openid, expiresAt: expires + MSG_TTL_S } } });
            owners.push(-1);
          }
        }
        if (ctx.massMsgid && sent.some((o) => o.channel === 'mass')) {
          items.push({ Put: { TableName: T, Item: { ...msgKey(ctx.massMsgid), broadcastId: chunk.broadcastId, shard: chunk.shard, mass: true, expiresAt: expires + MSG_TTL_S } } });
          owners.push(-1);
        }
        return { items, owners };
      });
    },

    async flagMember(openid, flag, nowMs) {
      const at = new Date(nowMs).toISOString();
      const update = flag === 'unsubscribed' ? 'SET subscribed = :f, unsubscribedAt = if_not_exists(unsubscribedAt, :at)' : 'SET openidFlagged = :t, openidFlaggedAt = :at';
      const values = flag === 'unsubscribed' ? { ':f': false, ':at': at } : { ':t': true, ':at': at };
      try {
        await table.doc.send(new UpdateCommand({ TableName: T, Key: memberKey(openid), UpdateExpression: update, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: values }));
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async recordJobFinished(msgid, report, nowMs) {
      const out = await table.doc.send(new GetCommand({ TableName: T, Key: msgKey(msgid), ConsistentRead: true }));
      const target = out.Item;
      if (!target) return 'unknown-msgid';
      const at = new Date(nowMs).toISOString();
      const mark: TxItem = {
        Update: {
          TableName: T,
          Key: target.mass ? msgKey(msgid) : { pk: deliveryPk(String(target.broadcastId), Number(target.shard)), sk: String(target.openid) },
          UpdateExpression: 'SET delivered = :s, deliveredAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(delivered)',
          ExpressionAttributeValues: { ':s': report.status, ':at': at },
        },
      };
      const count: TxItem = {
        Update: {
          TableName: T,
          Key: counterKey(String(target.broadcastId), Number(target.shard)),
          UpdateExpression: 'ADD delivered :ok, deliveryFailed :failed',
          ExpressionAttributeValues: { ':ok': report.ok, ':failed': report.failed },
        },
      };
      try {
        await table.doc.send(new TransactWriteCommand({ TransactItems: [mark, count] }));
        return 'counted';
      } catch (err) {
        if (cancellationCodes(err)?.[0] === 'ConditionalCheckFailed') return 'already';
        throw err;
      }
    },

    async counters(broadcastId) {
      const totals: Record<string, number> = {};
      for (const item of await queryPartition(table, counterPk(broadcastId), { prefix: 'COUNT#' })) {
        for (const [k, v] of Object.entries(item)) if (typeof v === 'number' && k !== 'expiresAt') totals[k] = (totals[k] ?? 0) + v;
      }
      return totals;
    },
  };
}
