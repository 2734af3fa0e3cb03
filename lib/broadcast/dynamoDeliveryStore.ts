import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shardOf } from '../segments/shard';
import { batchGet, itemAt } from '../store/batchGet';
import { isConditionFailure, type Table } from '../store/dynamo';
import { sumCounters } from '../store/sumCounters';
import {
  broadcastCounterKey,
  broadcastCounterPk,
  decodeEarlyReport,
  decodeMassMessage,
  decodeMember,
  deliveryRecordsOf,
  earlyReportKey,
  memberKey,
  msgKey,
  recordAttribute,
  touchKey,
  transactWrite,
  updateExpression,
  type JobReport,
  type RawItem,
  type StoredDeliveryRecord,
  type TxWrite,
} from '../table';
import type { Touch } from './broadcast';
import { isFinal, type ChunkFacts, type DeliveryRecord, type DeliveryStore, type Outcome } from './deliveryStore';

/** Touch items outlive the longest window that reads them (frequency cap ≤ 28 days: this month and the last). */
const TOUCH_TTL_S = 70 * 86_400;
const MSG_TTL_S = 14 * 86_400;
/** An early report is settled within seconds; a day covers a worker that crashed before settling. */
const EARLY_TTL_S = 86_400;

/** A member may be settled or claimed when nobody settled them, or a claim's lease ran out. */
const CLAIMABLE = 'attribute_not_exists(#r) OR #r.#state = :retry OR (#r.#state = :claimed AND #r.claimedAt < :cutoff)';
const CLAIMED_BY_ME = '#r.#state = :claimed AND #r.#token = :token';

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

function recordOf(o: Outcome, at: string): StoredDeliveryRecord {
  switch (o.state) {
    case 'sent':
      return { state: 'sent', channel: o.channel, at, ...(o.msgid ? { msgid: o.msgid } : {}) };
    case 'skipped':
      return { state: 'skipped', reason: o.reason, at };
    case 'failed':
      return { state: 'failed', errcode: o.errcode, errmsg: o.errmsg, at };
    case 'retry':
      return { state: 'retry', attempts: o.attempts, errcode: o.errcode, at };
  }
}

/** What a member's touch items say: this broadcast's record (a final one wins) and what they received. */
function readMember(items: (RawItem | undefined)[], attribute: string): { record?: DeliveryRecord; touches: Touch[] } {
  let record: DeliveryRecord | undefined;
  const touches: Touch[] = [];
  for (const item of items) {
    if (!item) continue;
    for (const { broadcastId, attribute: name, record: r } of deliveryRecordsOf(item)) {
      if (name === attribute && (!record || (isFinal(r) && !isFinal(record)))) record = r;
      if (r.state === 'sent')
        touches.push({ at: r.at, id: broadcastId, ...(r.channel === 'mass' ? { mass: true } : {}), ...(r.msgid ? { msgid: r.msgid } : {}) });
    }
  }
  return { record, touches };
}

/**
 * Settles a chunk in one transaction, retrying conflicts: the writes named after a member whose
 * condition failed (someone else settled them) are dropped and the rest retried. `build` names
 * each member's write `member:<i>` (i its index among the outcomes); the counters are shared.
 */
const memberWrite = (i: number) => `member:${i}`;
const isMemberWrite = (name: string) => name.startsWith('member:');

async function transact(table: Table, build: (skip: ReadonlySet<string>) => Record<string, TxWrite | TxWrite[] | undefined>): Promise<void> {
  const skip = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    const writes = build(skip);
    if (!Object.keys(writes).some(isMemberWrite)) return;
    const result = await transactWrite(table, writes);
    if (result.status === 'written') return;
    if (attempt > 8) throw result.error;
    for (const name of result.failed) if (isMemberWrite(name)) skip.add(name);
    await new Promise((r) => setTimeout(r, Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

export function dynamoDeliveryStore(table: Table): DeliveryStore {
  const T = table.name;
  const names = (attribute: string) => ({ '#r': attribute, '#state': 'state' });

  async function countReport(report: JobReport, nowMs: number): Promise<'counted' | 'unknown-msgid' | 'already'> {
    const { msgid, openid } = report;
    const at = new Date(nowMs).toISOString();
    const found = await batchGet(table, [msgKey(msgid), ...report.months.map((m) => touchKey(openid, m))]);
    const mass = itemAt(found, msgKey(msgid));
    let mark: TxWrite | undefined;
    let target: { broadcastId: string; shard: number } | undefined;
    if (mass) {
      target = decodeMassMessage(mass);
      mark = {
        Update: {
          Key: msgKey(msgid),
          UpdateExpression: 'SET delivered = :s, deliveredAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(delivered)',
          ExpressionAttributeValues: { ':s': report.status, ':at': at },
        },
      };
    } else {
      for (const m of report.months) {
        const item = itemAt(found, touchKey(openid, m));
        const hit = item && deliveryRecordsOf(item).find(({ record }) => record.state === 'sent' && record.msgid === msgid);
        if (!hit) continue;
        target = { broadcastId: hit.broadcastId, shard: shardOf(openid) };
        mark = {
          Update: {
            Key: touchKey(openid, m),
            UpdateExpression: 'SET #r.delivered = :s, #r.deliveredAt = :at',
            ConditionExpression: 'attribute_exists(#r) AND attribute_not_exists(#r.delivered)',
            ExpressionAttributeNames: { '#r': hit.attribute },
            ExpressionAttributeValues: { ':s': report.status, ':at': at },
          },
        };
        break;
      }
    }
    if (!target || !mark) return 'unknown-msgid';
    const written = await transactWrite(table, {
      mark,
      count: {
        Update: {
          Key: broadcastCounterKey(target.broadcastId, target.shard),
          ...updateExpression({ add: { delivered: report.ok, deliveryFailed: report.failed } }),
        },
      },
    });
    if (written.status === 'written') return 'counted';
    if (written.failed.has('mark')) return 'already';
    throw written.error;
  }

  /** Counts the reports that came before this settle (WeChat can be faster than the worker). */
  async function countEarlyReports(sends: readonly { msgid: string; openid?: string }[], nowMs: number): Promise<void> {
    if (sends.length === 0) return;
    const found = await batchGet(
      table,
      sends.map((s) => earlyReportKey(s.msgid, s.openid)),
    );
    for (const item of found.values()) await countReport(decodeEarlyReport(item), nowMs);
  }

  return {
    async read(chunk, openids, months) {
      const keys = openids.flatMap((o) => [memberKey(o), ...months.map((m) => touchKey(o, m))]);
      const found = await batchGet(table, keys);
      const facts: ChunkFacts = { records: new Map(), members: new Map(), touches: new Map() };
      const attribute = recordAttribute(chunk.broadcastId);
      for (const o of openids) {
        const profile = itemAt(found, memberKey(o));
        if (profile) facts.members.set(o, decodeMember(profile));
        const { record, touches } = readMember(
          months.map((m) => itemAt(found, touchKey(o, m))),
          attribute,
        );
        if (record) facts.records.set(o, record);
        facts.touches.set(o, touches);
      }
      return facts;
    },

    async claim(chunk, wanted, token, nowMs, leaseMs, month) {
      const attribute = recordAttribute(chunk.broadcastId);
      const expires = Math.floor(nowMs / 1000) + TOUCH_TTL_S;
      // Members are independent: one conditional write each, side by side.
      const won = await Promise.all(
        wanted.map(async (w) => {
          try {
            await table.doc.send(
              new UpdateCommand({
                TableName: T,
                Key: touchKey(w.openid, month),
                UpdateExpression: 'SET #r = :claim, expiresAt = :exp',
                ConditionExpression: CLAIMABLE,
                ExpressionAttributeNames: names(attribute),
                ExpressionAttributeValues: {
                  ':claim': { state: 'claimed', token, claimedAt: nowMs, attempts: w.attempts, channel: w.channel },
                  ':exp': expires,
                  ':retry': 'retry',
                  ':claimed': 'claimed',
                  ':cutoff': nowMs - leaseMs,
                },
              }),
            );
            return w.openid;
          } catch (err) {
            if (isConditionFailure(err)) return undefined;
            throw err;
          }
        }),
      );
      return won.filter((o): o is string => !!o);
    },

    async finish(chunk, outcomes, token, ctx) {
      const attribute = recordAttribute(chunk.broadcastId);
      const nowIso = new Date(ctx.nowMs).toISOString();
      const expires = Math.floor(ctx.nowMs / 1000);
      await transact(table, (skip) => {
        const kept = outcomes.map((o, i) => ({ o, i })).filter(({ i }) => !skip.has(memberWrite(i)));
        const writes: Record<string, TxWrite | undefined> = {};
        for (const { o, i } of kept) {
          const values = o.claimed
            ? { ':claimed': 'claimed', ':token': token }
            : { ':retry': 'retry', ':claimed': 'claimed', ':cutoff': ctx.nowMs - ctx.leaseMs };
          writes[memberWrite(i)] = {
            Update: {
              Key: touchKey(o.openid, ctx.month),
              UpdateExpression: 'SET #r = :rec, expiresAt = :exp',
              ConditionExpression: o.claimed ? CLAIMED_BY_ME : CLAIMABLE,
              ExpressionAttributeNames: { ...names(attribute), ...(o.claimed ? { '#token': 'token' } : {}) },
              ExpressionAttributeValues: { ':rec': recordOf(o, nowIso), ':exp': expires + TOUCH_TTL_S, ...values },
            },
          };
        }
        const counts: Record<string, number> = {};
        for (const { o } of kept) {
          const name = counterName(o);
          if (name) counts[name] = (counts[name] ?? 0) + 1;
        }
        if (Object.keys(counts).length > 0)
          writes.counters = { Update: { Key: broadcastCounterKey(chunk.broadcastId, chunk.shard), ...updateExpression({ add: counts }) } };
        if (ctx.massMsgid && kept.some(({ o }) => o.state === 'sent' && o.channel === 'mass')) {
          writes.mass = { Put: { Item: { ...msgKey(ctx.massMsgid), broadcastId: chunk.broadcastId, shard: chunk.shard, expiresAt: expires + MSG_TTL_S } } };
        }
        return writes;
      });
      const sends = outcomes.flatMap((o) => (o.state === 'sent' && o.msgid ? [{ msgid: o.msgid, openid: o.openid }] : []));
      await countEarlyReports(ctx.massMsgid ? [...sends, { msgid: ctx.massMsgid }] : sends, ctx.nowMs);
    },

    async flagMember(openid, flag, nowMs) {
      const at = new Date(nowMs).toISOString();
      const update =
        flag === 'unsubscribed' ? 'SET subscribed = :f, unsubscribedAt = if_not_exists(unsubscribedAt, :at)' : 'SET openidFlagged = :t, openidFlaggedAt = :at';
      const values = flag === 'unsubscribed' ? { ':f': false, ':at': at } : { ':t': true, ':at': at };
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: T,
            Key: memberKey(openid),
            UpdateExpression: update,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: values,
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async recordJobFinished(report, nowMs) {
      const first = await countReport(report, nowMs);
      if (first !== 'unknown-msgid') return first;
      // Not settled yet (or not a broadcast): park it, then look once more in case the settle
      // landed in between. Whichever side counts it, the `delivered` mark lets it count once.
      try {
        // Only a template notice's report is about its follower (a mass report's sender is not a member of ours to keep).
        const aboutFollower = report.months.length > 0;
        const parked = aboutFollower ? report : { ...report, openid: '' };
        await table.doc.send(
          new PutCommand({
            TableName: T,
            Item: {
              ...earlyReportKey(report.msgid, aboutFollower ? report.openid : undefined),
              report: parked,
              expiresAt: Math.floor(nowMs / 1000) + EARLY_TTL_S,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const second = await countReport(report, nowMs);
      return second === 'unknown-msgid' ? 'parked' : second;
    },

    counters: (broadcastId) => sumCounters(table, broadcastCounterPk(broadcastId)),
  };
}
