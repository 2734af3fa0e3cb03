import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';

/** One level change, as lib/levels/upgrade.ts records it beside the points change that caused it. */
export interface LevelChange {
  at: string;
  from: string;
  to: string;
}

export interface LevelHistoryPage {
  changes: LevelChange[];
  cursor?: string;
}

export interface LevelHistoryStore {
  /** A member's level changes, newest first. */
  list(openid: string, opts: { limit: number; cursor?: string }): Promise<LevelHistoryPage>;
}

export class BadLevelCursorError extends Error {}

const PREFIX = 'LEVEL#';

/** The level-history items live in the member's partition (`LEVEL#<at>`), so one query reads them in order. */
export function dynamoLevelHistory(table: Table): LevelHistoryStore {
  return {
    async list(openid, { limit, cursor }) {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':p': PREFIX },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: cursor ? decodeCursor(cursor, openid) : undefined,
        }),
      );
      return {
        changes: (out.Items ?? []).map((i) => ({ at: String(i.at), from: String(i.from), to: String(i.to) })),
        ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}),
      };
    },
  };
}

/** A cursor is ours only if it points into this member's level history; anything else is a 400, not a DynamoDB error. */
function decodeCursor(cursor: string, openid: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadLevelCursorError('cursor is not one we issued');
  }
  const k = key as { pk?: unknown; sk?: unknown };
  if (typeof key !== 'object' || key === null || k.pk !== `MEMBER#${openid}` || typeof k.sk !== 'string' || !k.sk.startsWith(PREFIX) || Object.keys(key).length !== 2) {
    throw new BadLevelCursorError('cursor is not one we issued');
  }
  return key as Record<string, unknown>;
}
