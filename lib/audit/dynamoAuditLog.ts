import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';
import { auditDayPk, auditEntryAttributes, auditEntryKey, auditMentionKey, decodeAuditEntryItem, transactWrite, type TxWrite } from '../table';
import { openidsIn, type AuditEntry } from './auditEntry';
import { BadAuditCursorError, type AuditLog } from './auditLog';

/** Queries one read may make before it answers with a cursor (a filter that matches little). */
const MAX_QUERIES = 40;

/** Where the next page starts: a day, after a sort key of it (from its newest entry when absent). */
interface Cursor {
  day: string;
  sk?: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.day === 'string' && (c.sk === undefined || typeof c.sk === 'string')) return { day: c.day, ...(c.sk ? { sk: c.sk } : {}) };
  } catch {
    // falls through
  }
  throw new BadAuditCursorError('cursor: not one this API gave out');
}

export function dynamoAuditLog(table: Table): AuditLog {
  return {
    async append(entry, day) {
      const key = auditEntryKey(day, entry.at, entry.id);
      const mentions: TxWrite[] = openidsIn(entry.params, [entry.request, entry.before, entry.after]).map((openid) => ({
        Put: { Item: { ...auditMentionKey(openid, day, key.sk), day, entrySk: key.sk, at: entry.at } },
      }));
      // Put only where nothing is: an entry is never overwritten.
      const written = await transactWrite(table, {
        entry: {
          Put: {
            Item: { ...key, ...auditEntryAttributes(entry) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        mentions,
      });
      if (written.status !== 'written') throw new Error(`audit entry ${entry.id} not written: ${String(written.error)}`);
    },

    async read(q, days) {
      const entries: AuditEntry[] = [];
      const start = q.cursor ? decodeCursor(q.cursor) : undefined;
      let i = start ? days.indexOf(start.day) : 0;
      if (i < 0) throw new BadAuditCursorError('cursor: not for this range');
      let after = start?.sk;
      const filters = [q.actor ? '(actor = :actor OR actorSub = :actor)' : '', q.kind ? 'kind = :kind' : ''].filter(Boolean);
      for (let queries = 0; i < days.length && entries.length < q.limit && queries < MAX_QUERIES; queries++) {
        const day = days[i]!;
        const out = await table.doc.send(
          new QueryCommand({
            TableName: table.name,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeValues: {
              ':pk': auditDayPk(day),
              ':from': q.from,
              ':to': `${q.to}#~`,
              ...(q.actor ? { ':actor': q.actor } : {}),
              ...(q.kind ? { ':kind': q.kind } : {}),
            },
            ScanIndexForward: false,
            Limit: q.limit - entries.length,
            ...(after ? { ExclusiveStartKey: { pk: auditDayPk(day), sk: after } } : {}),
          }),
        );
        entries.push(...(out.Items ?? []).map((item) => decodeAuditEntryItem<AuditEntry>(item)));
        after = out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : undefined;
        if (!after) i += 1;
      }
      return { entries, ...(i < days.length ? { cursor: encodeCursor({ day: days[i]!, ...(after ? { sk: after } : {}) }) } : {}) };
    },
  };
}
