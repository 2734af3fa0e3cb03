import { batchGet } from '../store/batchGet';
import type { Table } from '../store/dynamo';
import type { PayoutState } from '../redpacket/report';
import { decodePayout, payoutKey } from '../table';

/** An operator's retry chain is short; this bounds the reads if a chain were ever long. */
const MAX_RETRY_HOPS = 5;

/**
 * Payout orders' states in the words of the report: paid, pending (anything open), failed or
 * cancelled. A failed order an operator retried stands for its retry (the share is paid by the new
 * order), so the report follows `retriedAs`.
 */
export function dynamoPayoutStates(table: Table) {
  return async (refs: string[]): Promise<Map<string, PayoutState>> => {
    const out = new Map<string, PayoutState>();
    let asked = new Map(refs.map((r) => [r, r])); // ref read now → the share's ref
    for (let hop = 0; hop <= MAX_RETRY_HOPS && asked.size > 0; hop++) {
      const next = new Map<string, string>();
      for (const order of [...(await batchGet(table, [...asked.keys()].map(payoutKey))).values()].map(decodePayout)) {
        const share = asked.get(order.ref)!;
        if (order.retriedAs !== undefined && hop < MAX_RETRY_HOPS) next.set(order.retriedAs, share);
        else out.set(share, reportState(order.state));
      }
      asked = next;
    }
    return out;
  };
}

function reportState(state: unknown): PayoutState {
  return state === 'paid' || state === 'failed' || state === 'cancelled' ? state : 'pending';
}
