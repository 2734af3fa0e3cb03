import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { cancelPayout, type OperatorPorts } from './operatorActions';
import { payoutKey } from '../table';
import { dynamoPayoutStore } from './payoutStore';

export const ERASED_REASON = 'member erased';

export type PayoutErasure = 'cancelled' | 'anonymised' | 'already' | 'missing';

/** Erasure cannot finish with this order yet; erasing again later will (the error names why). */
export class PayoutNotErasableYet extends Error {
  override name = 'PayoutNotErasableYet';
}

/**
 * What erasure does to one payout order. The order stays as an accounting line (ref, amount,
 * campaign, dates, state) and loses the openid. An order WeChat Pay does not have (`held`, or
 * `pending` and verifiably absent there) is first cancelled with the reason "member erased", as an
 * operator's cancel would (lib/payouts/operatorActions.ts: never while a send is in flight); one
 * WeChat Pay has keeps its state and ref, so the reconciliation can still query it by ref. A pending
 * order WeChat Pay does have, or cannot tell about, would be sent again and needs the openid for
 * that: it stops the erasure (incomplete) until the reconciliation has moved it on.
 */
export async function erasePayout(table: Table, pay: OperatorPorts['pay'], ref: string, openid: string, nowMs: number): Promise<PayoutErasure> {
  const store = dynamoPayoutStore(table);
  // No wallet to refund a cancelled withdrawal to: it is being erased.
  const ports: OperatorPorts = { payouts: store, pay, clock: { now: () => Date.now() }, refundWithdrawal: async () => false };
  let cancelled = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    const order = await store.get(ref);
    if (!order) return 'missing';
    if (order.openid !== openid) return 'already';
    if (order.state === 'pending' || order.state === 'held') {
      const r = await cancelPayout(ports, ref, ERASED_REASON);
      if (r.status === 'in-flight') throw new PayoutNotErasableYet(`payout ${ref}: a send is in flight`);
      if (r.status === 'exists-at-wechat-pay')
        throw new PayoutNotErasableYet(`payout ${ref}: WeChat Pay has it (${r.wechatPayState}) and the reconciliation has not settled it yet`);
      if (r.status === 'unverified') throw new PayoutNotErasableYet(`payout ${ref}: WeChat Pay could not say whether it has it (${r.reason})`);
      if (r.status === 'cancelled') cancelled = true;
      continue; // read again: cancelled now, or moved on meanwhile
    }
    try {
      // The state is checked: a worker that moved the order on meanwhile makes us look again.
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: payoutKey(ref),
          UpdateExpression: 'SET erasedAt = :at REMOVE openid',
          ConditionExpression: 'openid = :o AND #state = :seen',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':o': openid, ':seen': order.state, ':at': new Date(nowMs).toISOString() },
        }),
      );
      return cancelled ? 'cancelled' : 'anonymised';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  throw new PayoutNotErasableYet(`payout ${ref}: kept changing while it was being erased`);
}
