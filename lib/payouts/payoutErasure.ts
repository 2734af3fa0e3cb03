import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { payoutKey } from './payoutKeys';

/** Orders not yet handed to WeChat Pay, or held back for a reason that can clear: erasure cancels them. */
const NOT_SENT = ['pending', 'held'];
export const ERASED_REASON = 'member erased';

export type PayoutErasure = 'cancelled' | 'anonymised' | 'already' | 'missing';

/**
 * What erasure does to one payout order. The order stays as an accounting line (ref, amount,
 * campaign, dates, state) and loses the openid. An order WeChat Pay never received (`pending`,
 * `held`) is cancelled with the reason "member erased" and leaves the open index; one in flight
 * keeps its ref and state, so the reconciliation can still query it by ref and record how it ended.
 */
export async function erasePayout(table: Table, ref: string, openid: string, nowMs: number): Promise<PayoutErasure> {
  const at = new Date(nowMs).toISOString();
  for (let attempt = 0; attempt < 5; attempt++) {
    const order = (await table.doc.send(new GetCommand({ TableName: table.name, Key: payoutKey(ref), ConsistentRead: true }))).Item;
    if (!order) return 'missing';
    if (order.openid !== openid) return 'already';
    const cancel = NOT_SENT.includes(String(order.state));
    try {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: payoutKey(ref),
          UpdateExpression: cancel
            ? 'SET #state = :cancelled, cancelReason = :why, cancelledAt = :at, erasedAt = :at, updatedAt = :at REMOVE openid, gsi1pk, gsi1sk, nextAttemptAt'
            : 'SET erasedAt = :at REMOVE openid',
          // The state is checked too: a worker that moved the order on meanwhile makes us look again.
          ConditionExpression: 'openid = :o AND #state = :seen',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':o': openid, ':seen': order.state, ':at': at, ...(cancel ? { ':cancelled': 'cancelled', ':why': ERASED_REASON } : {}) },
        }),
      );
      return cancel ? 'cancelled' : 'anonymised';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  throw new Error(`payout ${ref}: kept changing while it was being erased`);
}
