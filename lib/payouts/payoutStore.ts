import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { OPEN_PAYOUTS, payoutKey } from './payoutKeys';

/**
 * A payout order. `ref` is the out_bill_no (transfer) or mch_billno (redpack), fixed when the order
 * is stored and never changed, whatever happens to the calls that use it.
 */
export interface Payout {
  ref: string;
  mode: 'transfer' | 'redpack';
  source?: 'withdrawal';
  openid: string;
  amountFen: number;
  campaignId?: string;
  campaignName: string;
  day?: string;
  /**
   * pending: not yet accepted by WeChat Pay (or the answer was lost); awaiting-confirmation: the
   * follower has to confirm the transfer; processing / sent: WeChat Pay has it; paid / failed: final.
   */
  state: 'pending' | 'awaiting-confirmation' | 'processing' | 'sent' | 'paid' | 'failed';
  attempts: number;
  nextAttemptAt?: number;
  lastError?: string;
  transferBillNo?: string;
  packageInfo?: string;
  failReason?: string;
  confirmSentAt?: string;
  refundedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const FINAL_STATES: readonly Payout['state'][] = ['paid', 'failed'];

export function dynamoPayoutStore(table: Table) {
  const T = table.name;
  return {
    async get(ref: string): Promise<Payout | undefined> {
      const out = await table.doc.send(new GetCommand({ TableName: T, Key: payoutKey(ref), ConsistentRead: true }));
      return out.Item as Payout | undefined;
    },

    /** Open orders, oldest first (the sparse index holds only orders that are not final). */
    async listOpen(limit: number, start?: Record<string, unknown>): Promise<{ payouts: Payout[]; next?: Record<string, unknown> }> {
      const out = await table.doc.send(new QueryCommand({ TableName: T, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': OPEN_PAYOUTS }, Limit: limit, ExclusiveStartKey: start }));
      return { payouts: (out.Items ?? []) as Payout[], next: out.LastEvaluatedKey };
    },

    /**
     * Moves an order on, unless it is already final (a late answer never reopens a paid or failed
     * order). Final orders leave the open index.
     */
    async update(ref: string, patch: Partial<Omit<Payout, 'ref'>>, nowMs: number): Promise<boolean> {
      const at = new Date(nowMs).toISOString();
      const fields = { ...patch, updatedAt: at };
      const names: Record<string, string> = { '#state': 'state' };
      const values: Record<string, unknown> = { ':paid': 'paid', ':failed': 'failed' };
      const sets = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v], i) => {
          names[`#f${i}`] = k;
          values[`:v${i}`] = v;
          return `#f${i} = :v${i}`;
        });
      const final = patch.state && FINAL_STATES.includes(patch.state);
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: T,
            Key: payoutKey(ref),
            UpdateExpression: `SET ${sets.join(', ')}${final ? ' REMOVE gsi1pk, gsi1sk' : ''}`,
            ConditionExpression: 'attribute_exists(pk) AND NOT #state IN (:paid, :failed)',
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
  };
}

export type PayoutStore = ReturnType<typeof dynamoPayoutStore>;
