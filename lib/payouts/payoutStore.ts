import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionFailure, type Table } from '../store/dynamo';
import { CANCELLED_PAYOUTS, FAILED_PAYOUTS, OPEN_PAYOUTS, payoutKey } from './payoutKeys';

/**
 * pending: not yet accepted by WeChat Pay, or the answer was lost (it may exist there);
 * held: WeChat Pay refused it for a reason that can clear (balance, limits); nothing exists there,
 * the reconciliation retries it with backoff under the same ref;
 * awaiting-confirmation: the follower has to confirm the transfer; processing / sent: WeChat Pay has it;
 * paid / failed / cancelled: final.
 */
export const PAYOUT_STATES = ['pending', 'held', 'awaiting-confirmation', 'processing', 'sent', 'paid', 'failed', 'cancelled'] as const;
export type PayoutOrderState = (typeof PAYOUT_STATES)[number];
export const FINAL_STATES: readonly PayoutOrderState[] = ['paid', 'failed', 'cancelled'];
export const isFinal = (s: PayoutOrderState) => FINAL_STATES.includes(s);

/**
 * A payout order. `ref` is the out_bill_no (transfer) or mch_billno (redpack), fixed when the order
 * is stored and never changed, whatever happens to the calls that use it.
 */
export interface Payout {
  ref: string;
  mode: 'transfer' | 'redpack';
  source?: 'withdrawal';
  /** Absent once the member was erased (`erasedAt`): only on orders WeChat Pay has, or final ones (lib/payouts/payoutErasure.ts). */
  openid: string;
  amountFen: number;
  campaignId?: string;
  campaignName: string;
  day?: string;
  state: PayoutOrderState;
  /** Steps taken; every write of a step is conditional on the state and attempts the step read. */
  attempts: number;
  nextAttemptAt?: number;
  /** A send to WeChat Pay is in flight until then (set before the call, cleared by its outcome). */
  leaseUntil?: number;
  lastError?: string;
  /** Why WeChat Pay refused it, while held (`NOT_ENOUGH: …`). */
  holdReason?: string;
  transferBillNo?: string;
  packageInfo?: string;
  failReason?: string;
  confirmSentAt?: string;
  refundedAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
  /** An operator's retry of a failed order: the new order's ref, and on the new order the old one's. */
  retriedAs?: string;
  retryOf?: string;
  /** When the member was erased: the order stays as an accounting line without the openid. */
  erasedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a step read: its write only lands if the order is still exactly there. */
export interface Expected {
  state: PayoutOrderState;
  attempts: number;
  /** Also require that no send is in flight at this instant. */
  noLeaseAt?: number;
}

export type PayoutPatch = Partial<Omit<Payout, 'ref' | 'leaseUntil'>>;

const STRIP = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);
const toPayout = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([k]) => !STRIP.has(k))) as unknown as Payout;

export class BadPayoutCursorError extends Error {}

export function dynamoPayoutStore(table: Table) {
  const T = table.name;
  return {
    async get(ref: string): Promise<Payout | undefined> {
      const out = await table.doc.send(new GetCommand({ TableName: T, Key: payoutKey(ref), ConsistentRead: true }));
      return out.Item ? toPayout(out.Item) : undefined;
    },

    /** Open orders, oldest first (the sparse index holds only orders that are not final). */
    async listOpen(limit: number, start?: Record<string, unknown>): Promise<{ payouts: Payout[]; next?: Record<string, unknown> }> {
      const out = await table.doc.send(new QueryCommand({ TableName: T, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': OPEN_PAYOUTS }, Limit: limit, ExclusiveStartKey: start }));
      return { payouts: (out.Items ?? []).map(toPayout), next: out.LastEvaluatedKey };
    },

    /**
     * A page of orders in one state (or every open order): open states are read from the open index
     * and filtered, failed and cancelled ones from their own partitions, newest first. Paid orders
     * are not listed (the campaign report has them).
     */
    async listByState(state: Exclude<PayoutOrderState, 'paid'> | undefined, opts: { limit: number; cursor?: string }): Promise<{ payouts: Payout[]; cursor?: string }> {
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
        payouts.push(...(out.Items ?? []).map(toPayout));
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
      const names: Record<string, string> = { '#state': 'state' };
      const values: Record<string, unknown> = {};
      const sets = Object.entries({ ...patch, updatedAt: at })
        .filter(([, v]) => v !== undefined)
        .map(([k, v], i) => {
          names[`#f${i}`] = k;
          values[`:v${i}`] = v;
          return `#f${i} = :v${i}`;
        });
      const removes = ['leaseUntil'];
      const partition = patch.state === 'failed' ? FAILED_PAYOUTS : patch.state === 'cancelled' ? CANCELLED_PAYOUTS : undefined;
      if (partition) {
        sets.push('gsi1pk = :ipk', 'gsi1sk = :isk');
        Object.assign(values, { ':ipk': partition, ':isk': `${at}#${ref}` });
      } else if (patch.state === 'paid') removes.push('gsi1pk', 'gsi1sk');
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: T,
            Key: payoutKey(ref),
            UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
            ConditionExpression: expect ? expectation(expect, values) : notFinal(values),
            ExpressionAttributeNames: names,
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
      const order = { mode: old.mode, source: old.source, openid: old.openid, amountFen: old.amountFen, campaignId: old.campaignId, campaignName: old.campaignName, day: old.day };
      try {
        await table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: T, Item: { ...payoutKey(newRef), ...order, ref: newRef, state: 'pending', attempts: 0, retryOf: old.ref, createdAt: at, updatedAt: at, gsi1pk: OPEN_PAYOUTS, gsi1sk: at }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: T,
                  Key: payoutKey(old.ref),
                  UpdateExpression: 'SET retriedAs = :new, updatedAt = :at',
                  ConditionExpression: '#state = :failed AND attribute_not_exists(retriedAs)',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: { ':new': newRef, ':at': at, ':failed': 'failed' },
                },
              },
            ],
          }),
        );
        return 'created';
      } catch (err) {
        if (cancellationCodes(err)) return 'exists';
        throw err;
      }
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
  const k = key as Record<string, unknown> | null;
  const ok = typeof k === 'object' && k !== null && !Array.isArray(k) && k.gsi1pk === partition && typeof k.gsi1sk === 'string' && typeof k.pk === 'string' && k.pk.startsWith('PAYOUT#') && k.sk === 'PAYOUT' && Object.keys(k).length === 4;
  if (!ok) throw new BadPayoutCursorError('cursor is not one we issued (or belongs to another state)');
  return k;
}

export type PayoutStore = ReturnType<typeof dynamoPayoutStore>;
