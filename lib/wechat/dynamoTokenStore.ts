import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { ACCESS_TOKEN_KEY as TOKEN_KEY, ACCESS_TOKEN_LEASE_KEY as LEASE_KEY } from '../table';
import type { StoredToken, TokenStore } from './accessToken';

export function dynamoTokenStore(table: Table): TokenStore {
  return {
    async read() {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: TOKEN_KEY, ConsistentRead: true }));
      return out.Item ? { token: String(out.Item.token), expiresAt: Number(out.Item.expiresAt), fetchedAt: Number(out.Item.fetchedAt) } : undefined;
    },
    async write(t: StoredToken) {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...TOKEN_KEY, ...t } }));
    },
    async tryLease(nowMs, leaseMs) {
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...LEASE_KEY, leaseUntil: nowMs + leaseMs, expiresAt: Math.floor((nowMs + leaseMs) / 1000) + 3600 },
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': nowMs },
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
