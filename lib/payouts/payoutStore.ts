import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { CANCELLED_PAYOUTS, decodePayout, FAILED_PAYOUTS, isObject, OPEN_PAYOUTS, PAYOUT_PREFIX, payoutKey, transactWrite, updateExpression } from '../table';

import type { Payout, PayoutOrderState } from './payout';

export { isFinal, PAYOUT_STATES, type Payout, type PayoutOrderState } from './payout';

/** What a step read: its write only lands if the order is still exactly there. */
export interface Expected {
  state: PayoutOrderState;
  attempts: number;
  /** Also require that no send is in flight at this instant. */
  noLeaseAt?: number;
}

export type PayoutPatch = Partial<Omit<Payout, 'ref' | 'leaseUntil'>>;

export class BadPayoutCursorError extends Error {}

export function dynamoPayoutStore(table: Table) {
  const T = table.name;
  return {
    async get(ref: string): Promise<Payout | undefined> {
      const out = await table.doc.send(new GetCommand({ TableName: T, Key: payoutKey(ref), ConsistentRead: true }));
      return out.Item ? decodePayout(out.Item) : undefined;
    },

    /** Open orders, oldest first (the sparse index holds only orders that are not final). */
    async listOpen(limit: number, start?: Record<string, unknown>): Promise<{ payouts: Payout[]; next?: Record<string, unknown> }> {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: T,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': OPEN_PAYOUTS },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      return { payouts: (out.Items ?? []).map(decodePayout), next: out.LastEvaluatedKey };
    },

    /**
     * A page of orders in one state (or every open order): open states are read from the open index
     * and filtered, failed and cancelled ones from their own partitions, newest first. Paid orders
     * are not listed (the campaign report has them).
     */
    async listByState(
      state: Exclude<PayoutOrderState, 'paid'> | undefined,
      opts: { limit: number; cursor?: string },
    ): Promise<{ payouts: Payout[]; cursor?: string }> {
      const partition = state === 'failed' ? FAILED_PAYOUTS : state === 'cancelled' ? CANCELLED_PAYOUTS : OPEN_PAYOUTS;
      const filtered = partition === OPEN_PAYOUTS && state !== undefined;
      let start = opts.cursor ? decodeCursor(opts.cursor, partition) : undefined;
      const payouts: Payout[] = [];
      // A filtered read can come back short: read on (a few pages at most) until the page is full.
      for (let reads = 0; reads < 5 && payouts.length < opts.limit; reads++) {
        const out = await table.doc.send(
          new QueryCommand({
            TableName: T,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ...(filtered ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } } : {}),
            ExpressionAttributeValues: { ':pk': partition, ...(filtered ? { ':state': state } : {}) },
            ScanIndexForward: partition === OPEN_PAYOUTS,
            Limit: opts.limit - payouts.length,
            ExclusiveStartKey: start,
          }),
        );
        payouts.push(...(out.Items ?? []).map(decodePayout));
        start = out.LastEvaluatedKey;
        if (!start) break;
      }
      return { payouts, ...(start ? { cursor: Buffer.from(JSON.stringify(start)).toString('base64url') } : {}) };
    },

    /**
     * Moves an order on. With `expect`, only if it is still in the state and at the attempt the
     * caller read (a stale worker writes nothing); without, only if it is not final (a late answer
     * never reopens a final order). Any write ends a send's lease. Answers whether it landed.
     */
    async update(ref: string, patch: PayoutPatch, nowMs: number, expect?: Expected): Promise<boolean> {
      const at = new Date(nowMs).toISOString();
      const values: Record<string, unknown> = {};
      const ConditionExpression = expect ? expectation(expect, values) : notFinal(values);
      const partition = patch.state === 'failed' ? FAILED_PAYOUTS : patch.state === 'cancelled' ? CANCELLED_PAYOUTS : undefined;
      const index = partition ? { gsi1pk: partition, gsi1sk: `${at}#${ref}` } : {};
      const remove = ['leaseUntil', ...(patch.state === 'paid' ? ['gsi1pk', 'gsi1sk'] : [])];
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: T,
            Key: payoutKey(ref),
            ...updateExpression({ set: { ...patch, updatedAt: at, ...index }, remove, names: { '#state': 'state' }, values }),
            ConditionExpression,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    /**
     * Takes the right to send an order to WeChat Pay for `leaseMs`: only if it is still as read and
     * no other send is in flight. An operator cannot cancel it while the lease runs, so a cancelled
     * order can never be created at WeChat Pay by a call that was already on its way.
     */
    async claimSend(p: Payout, nowMs: number, leaseMs: number): Promise<boolean> {
      const values: Record<string, unknown> = { ':lease': nowMs + leaseMs };
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: T,
            Key: payoutKey(p.ref),
            UpdateExpression: 'SET leaseUntil = :lease',
            ConditionExpression: expectation({ state: p.state, attempts: p.attempts, noLeaseAt: nowMs }, values),
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    /**
     * An operator's retry of a failed order: a new pending order under `newRef`, linked both ways, in
     * one transaction. `exists` when the old order was already retried (as `newRef`: the same request
     * again) or is no longer failed.
     */
    async createRetry(old: Payout, newRef: string, nowMs: number): Promise<'created' | 'exists'> {
      const at = new Date(nowMs).toISOString();
      // What is paid and to whom carries over; everything about the old order's calls does not.
      const order = {
        mode: old.mode,
        source: old.source,
        openid: old.openid,
        amountFen: old.amountFen,
        campaignId: old.campaignId,
        campaignName: old.campaignName,
        day: old.day,
      };
      const written = await transactWrite(table, {
        retry: {
          Put: {
            Item: {
              ...payoutKey(newRef),
              ...order,
              ref: newRef,
              state: 'pending',
              attempts: 0,
              retryOf: old.ref,
              createdAt: at,
              updatedAt: at,
              gsi1pk: OPEN_PAYOUTS,
              gsi1sk: at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        old: {
          Update: {
            Key: payoutKey(old.ref),
            UpdateExpression: 'SET retriedAs = :new, updatedAt = :at',
            ConditionExpression: '#state = :failed AND attribute_not_exists(retriedAs)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':new': newRef, ':at': at, ':failed': 'failed' },
          },
        },
      });
      return written.status === 'written' ? 'created' : 'exists';
    },
  };
}

function expectation(e: Expected, values: Record<string, unknown>): string {
  Object.assign(values, { ':es': e.state, ':ea': e.attempts });
  if (e.noLeaseAt === undefined) return '#state = :es AND attempts = :ea';
  values[':now'] = e.noLeaseAt;
  return '#state = :es AND attempts = :ea AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)';
}

function notFinal(values: Record<string, unknown>): string {
  Object.assign(values, { ':paid': 'paid', ':failed': 'failed', ':cancelled': 'cancelled' });
  return 'attribute_exists(pk) AND NOT #state IN (:paid, :failed, :cancelled)';
}

/** A cursor is ours only if it is a key of the partition being listed; anything else is a 400, never a DynamoDB error. */
function decodeCursor(cursor: string, partition: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadPayoutCursorError('cursor is not one we issued');
  }
  if (
    !isObject(key) ||
    !(
      key.gsi1pk === partition &&
      typeof key.gsi1sk === 'string' &&
      typeof key.pk === 'string' &&
      key.pk.startsWith(PAYOUT_PREFIX) &&
      key.sk === 'PAYOUT' &&
      Object.keys(key).length === 4
    )
  ) {
    throw new BadPayoutCursorError('cursor is not one we issued (or belongs to another state)');
  }
  return key;
}

export type PayoutStore = ReturnType<typeof dynamoPayoutStore>;
