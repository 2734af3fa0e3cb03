import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import type { ReplayRecord } from './replayRecord';

/**
 * `REPLAY#<timestamp>#<nonce hash>/REPLAY` with the push's hash and a TTL just past the replay
 * window. The nonce is hashed: it is whatever the (signed) query says, of any length. Nothing here
 * names a follower.
 */
const key = (timestamp: string, nonce: string) => ({ pk: `REPLAY#${timestamp}#${createHash('sha256').update(nonce, 'utf8').digest('hex').slice(0, 32)}`, sk: 'REPLAY' });

export function dynamoReplayRecord(table: Table): ReplayRecord {
  return {
    async use({ timestamp, nonce }, pushHash, keepUntilS, signal) {
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...key(timestamp, nonce), push: pushHash, expiresAt: keepUntilS },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          { abortSignal: signal },
        );
        return 'first';
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const old = (err as { Item?: { push?: { S?: string } } }).Item?.push?.S ?? (await earlier(table, timestamp, nonce, signal));
        return old === pushHash ? 'same-push' : 'other-push';
      }
    },
  };
}

async function earlier(table: Table, timestamp: string, nonce: string, signal: AbortSignal): Promise<string | undefined> {
  const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(timestamp, nonce), ConsistentRead: true }), { abortSignal: signal });
  return typeof out.Item?.push === 'string' ? out.Item.push : undefined;
}
