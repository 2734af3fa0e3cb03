import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';
import type { PayoutState } from '../redpacket/report';
import { payoutKey } from './payoutKeys';

/** Payout orders' states in the words of the report: paid, pending (anything not final) or failed. */
export function dynamoPayoutStates(table: Table) {
  return async (refs: string[]): Promise<Map<string, PayoutState>> => {
    const out = new Map<string, PayoutState>();
    for (let i = 0; i < refs.length; i += 100) {
      let keys: Record<string, unknown>[] = refs.slice(i, i + 100).map(payoutKey);
      for (let attempt = 0; keys.length && attempt < 8; attempt++) {
        const got = await table.doc.send(new BatchGetCommand({ RequestItems: { [table.name]: { Keys: keys, ProjectionExpression: '#r, #s', ExpressionAttributeNames: { '#r': 'ref', '#s': 'state' } } } }));
        for (const item of got.Responses?.[table.name] ?? []) out.set(item.ref as string, item.state === 'paid' ? 'paid' : item.state === 'failed' ? 'failed' : 'pending');
        keys = (got.UnprocessedKeys?.[table.name]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return out;
  };
}
