import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { erasedEntry, type AuditEntry } from '../../audit/auditEntry';
import { queryPartition } from '../../store/queryPartition';
import { auditEntryAttributes, auditMentionPk, decodeAuditEntryItem, isAuditEntryKey, isAuditMentionKey, mentionedEntryKey, type TableItem } from '../../table';
import type { MemberContext, OutsideFamily } from '../family';

const mentionsOf = (ctx: MemberContext): Promise<TableItem[]> => queryPartition(ctx.table, auditMentionPk(ctx.openid), { consistent: true });

async function entriesOf(ctx: MemberContext): Promise<TableItem[]> {
  const found: TableItem[] = [];
  for (const mention of await mentionsOf(ctx)) {
    const out = await ctx.table.doc.send(new GetCommand({ TableName: ctx.table.name, Key: mentionedEntryKey(mention), ConsistentRead: true }));
    if (out.Item) found.push(out.Item as TableItem);
  }
  return found;
}

/**
 * Admin audit entries naming the member (a path with their openid, a body naming them): kept, as
 * who did what, with the openid replaced by a fixed marker and the bodies (which may hold their
 * personal data) replaced (lib/audit/auditEntry.ts erasedEntry). Not the erasure's pseudonym:
 * nothing should tie the admin log back to the erasure record.
 */
export const adminAuditEntries: OutsideFamily = {
  name: 'adminAuditEntries',
  action: 'anonymise',
  foundBy: 'reverse index',
  how: 'one AUDITOF#<openid> mention per entry naming the member gives the entry key',
  writtenBy: 'lib/audit/dynamoAuditLog.ts (recordAdminChange)',
  holds: isAuditEntryKey,
  export: async (ctx) => (await entriesOf(ctx)).map((item) => ({ ...decodeAuditEntryItem<AuditEntry>(item) })),
  async erase(ctx) {
    let changed = 0;
    const nowIso = new Date(ctx.nowMs).toISOString();
    for (const item of await entriesOf(ctx)) {
      const entry = decodeAuditEntryItem<AuditEntry>(item);
      // Erasure is the one writer besides the first put: the same key, the entry rewritten without the member.
      await ctx.table.doc.send(
        new PutCommand({ TableName: ctx.table.name, Item: { ...item, ...auditEntryAttributes(erasedEntry(entry, ctx.openid, nowIso)) } }),
      );
      changed += 1;
    }
    return changed;
  },
};

/** The mentions themselves hold the openid in their key: deleted once their entries are anonymised. */
export const adminAuditMentions: OutsideFamily = {
  name: 'adminAuditMentions',
  action: 'delete',
  foundBy: 'reverse index',
  how: 'the AUDITOF#<openid> partition',
  writtenBy: 'lib/audit/dynamoAuditLog.ts (recordAdminChange)',
  holds: isAuditMentionKey,
  export: async (ctx) => (await mentionsOf(ctx)).map((m) => ({ entry: mentionedEntryKey(m), at: m.at })),
  async erase(ctx) {
    const mentions = await mentionsOf(ctx);
    for (const m of mentions) await ctx.table.doc.send(new DeleteCommand({ TableName: ctx.table.name, Key: { pk: m.pk, sk: m.sk } }));
    return mentions.length;
  },
};
