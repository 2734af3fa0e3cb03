import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isObject, tableItem, type TableItem } from '../table/codec';
import { memberPk } from '../table/members';
import type { Table } from './dynamo';

/**
 * One page of a member's items of one kind (`MEMBER#<openid>` / `<prefix>…`, e.g. the points ledger
 * or the level history), newest first, with a cursor: the DynamoDB key the page stopped at,
 * base64url-encoded. A cursor is ours only if it points into that member's items of that kind;
 * anything else is a `BadCursorError` (a 400), never a DynamoDB error.
 */
export class BadCursorError extends Error {}

export async function memberItemsPage(
  table: Table,
  openid: string,
  prefix: string,
  opts: { limit: number; cursor?: string },
): Promise<{ items: TableItem[]; cursor?: string }> {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': memberPk(openid), ':prefix': prefix },
      ScanIndexForward: false,
      Limit: opts.limit,
      ExclusiveStartKey: opts.cursor ? decodeCursor(opts.cursor, openid, prefix) : undefined,
    }),
  );
  return {
    items: (out.Items ?? []).map(tableItem),
    ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}),
  };
}

function decodeCursor(cursor: string, openid: string, prefix: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('cursor is not one we issued');
  }
  if (!isObject(key) || key.pk !== memberPk(openid) || typeof key.sk !== 'string' || !key.sk.startsWith(prefix) || Object.keys(key).length !== 2) {
    throw new BadCursorError('cursor is not one we issued');
  }
  return key;
}
