import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './dynamo';

/**
 * One page of a member's items of one kind (`MEMBER#<openid>` / `<prefix>…`, e.g. the points ledger
 * or the level history), newest first, with a cursor: the DynamoDB key the page stopped at,
 * base64url-encoded. A cursor is ours only if it points into that member's items of that kind;
 * anything else is a `BadCursorError` (a 400), never a DynamoDB error.
 */
export class BadCursorError extends Error {}

export async function memberItemsPage(table: Table, openid: string, prefix: string, opts: { limit: number; cursor?: string }): Promise<{ items: Record<string, unknown>[]; cursor?: string }> {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':prefix': prefix },
      ScanIndexForward: false,
      Limit: opts.limit,
      ExclusiveStartKey: opts.cursor ? decodeCursor(opts.cursor, openid, prefix) : undefined,
    }),
  );
  return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}) };
}

function decodeCursor(cursor: string, openid: string, prefix: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('cursor is not one we issued');
  }
  const k = key as { pk?: unknown; sk?: unknown };
  if (typeof key !== 'object' || key === null || k.pk !== `MEMBER#${openid}` || typeof k.sk !== 'string' || !k.sk.startsWith(prefix) || Object.keys(key).length !== 2) {
    throw new BadCursorError('cursor is not one we issued');
  }
  return key as Record<string, unknown>;
}
