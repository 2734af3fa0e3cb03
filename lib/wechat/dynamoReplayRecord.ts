import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { isObject, replayKey as key } from '../table';
import type { ReplayRecord } from './replayRecord';

/** The push's hash on a replay record the failed condition returned (in DynamoDB's attribute-value form). */
const pushOf = (err: unknown) =>
  isObject(err) && isObject(err.Item) && isObject(err.Item.push) && typeof err.Item.push.S === 'string' ? err.Item.push.S : undefined;

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
        const old = pushOf(err) ?? (await earlier(table, timestamp, nonce, signal));
        return old === pushHash ? 'same-push' : 'other-push';
      }
    },
  };
}

async function earlier(table: Table, timestamp: string, nonce: string, signal: AbortSignal): Promise<string | undefined> {
  const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(timestamp, nonce), ConsistentRead: true }), { abortSignal: signal });
  return typeof out.Item?.push === 'string' ? out.Item.push : undefined;
}
