import { batchGet } from '../store/batchGet';
import type { Table } from '../store/dynamo';
import type { PayoutState } from '../redpacket/report';
import { payoutKey } from './payoutKeys';

/** Payout orders' states in the words of the report: paid, pending (anything not final) or failed. */
export function dynamoPayoutStates(table: Table) {
  return async (refs: string[]): Promise<Map<string, PayoutState>> => {
    const out = new Map<string, PayoutState>();
    for (const item of (await batchGet(table, refs.map(payoutKey))).values()) {
      out.set(item.ref as string, item.state === 'paid' ? 'paid' : item.state === 'failed' ? 'failed' : 'pending');
    }
    return out;
  };
}
