import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../store/batchWrite';
import type { Table } from '../store/dynamo';
import { decodeHistoryItem, HISTORY_PREFIX, historyItem } from '../table/history';
import { memberPk } from '../table/members';
import { DEFAULT_RETENTION_DAYS, type HistoryStore } from './historyStore';

/** A cursor that does not decode to a history key of this member. */
export class BadHistoryCursor extends Error {}

const encodeCursor = (sk: string) => Buffer.from(sk, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sk.startsWith(HISTORY_PREFIX)) throw new BadHistoryCursor('cursor is not one this API gave out');
  return sk;
}

type RetentionDays = () => number | Promise<number>;

/**
 * `record` alone (one PutItem per call): what the callback uses, so its bundle, and so its IAM
 * role, holds no batch write (tests/deploy-template.test.ts).
 */
export function dynamoHistoryRecorder(table: Table, retentionDays: RetentionDays = () => DEFAULT_RETENTION_DAYS): Pick<HistoryStore, 'record'> {
  return {
    async record(openid, messages) {
      if (messages.length === 0) return;
      const Item = historyItem(openid, messages, await retentionDays());
      await table.doc.send(new PutCommand({ TableName: table.name, Item }));
    },
  };
}

export function dynamoHistoryStore(table: Table, retentionDays: RetentionDays = () => DEFAULT_RETENTION_DAYS): HistoryStore {
  return {
    ...dynamoHistoryRecorder(table, retentionDays),
    async recordMany(entries) {
      if (entries.length === 0) return;
      const days = await retentionDays();
      await batchWriteAll(
        table,
        entries.map((e) => ({ PutRequest: { Item: historyItem(e.openid, [e.message], days) } })),
        { parallel: 4, what: 'history' },
      );
    },
    async page(openid, { cursor, limit }) {
      const pk = memberPk(openid);
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': HISTORY_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: { pk, sk: decodeCursor(cursor) } } : {}),
        }),
      );
      const messages = (out.Items ?? []).flatMap((i) => decodeHistoryItem(i).slice().reverse());
      const last = out.LastEvaluatedKey?.sk;
      return { messages, ...(typeof last === 'string' ? { cursor: encodeCursor(last) } : {}) };
    },
  };
}
