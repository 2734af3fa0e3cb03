import { decode, isString, req, type RawItem } from './codec';
import type { ItemType } from './itemType';

/**
 * The admin API's audit log (lib/audit). One partition per business day of the account
 * (`AUDITLOG#<yyyy-mm-dd>`), sorted by time and id, so a time range is a few queries and never a
 * scan; a day holds what a team does in a day (hundreds of changes), far below a partition's limits.
 * Entries are only ever put (no update path here); erasure rewrites the parts naming a member.
 */
export const AUDIT_LOG_PREFIX = 'AUDITLOG#';
export const auditDayPk = (day: string) => `${AUDIT_LOG_PREFIX}${day}`;
export const auditEntrySk = (at: string, id: string) => `${at}#${id}`;
export const auditEntryKey = (day: string, at: string, id: string) => ({ pk: auditDayPk(day), sk: auditEntrySk(at, id) });
export const isAuditEntryKey = (key: { pk: string }) => key.pk.startsWith(AUDIT_LOG_PREFIX);

/**
 * The entry is stored as its JSON text: bodies are whatever callers sent (numbers beyond DynamoDB's
 * range, empty names, deep nesting), and text keeps every one of them as it was.
 */
export const auditEntryAttributes = <T extends { actor: { username: string; sub: string }; kind: string }>(entry: T) => ({
  entry: JSON.stringify(entry),
  actor: entry.actor.username,
  actorSub: entry.actor.sub,
  kind: entry.kind,
});

export function decodeAuditEntryItem<T extends object>(item: RawItem): T {
  return JSON.parse(decode(item, { entry: req(isString) }, 'audit entry').entry) as T;
}

/**
 * Which entries name a member: one small item per member named (`AUDITOF#<openid>` / the entry's
 * day and sort key), so an erasure or an export finds them with one query of that partition.
 */
export const AUDIT_MENTION_PREFIX = 'AUDITOF#';
export const auditMentionKey = (openid: string, day: string, entrySk: string) => ({ pk: `${AUDIT_MENTION_PREFIX}${openid}`, sk: `${day}#${entrySk}` });
export const auditMentionPk = (openid: string) => `${AUDIT_MENTION_PREFIX}${openid}`;
export const isAuditMentionKey = (key: { pk: string }) => key.pk.startsWith(AUDIT_MENTION_PREFIX);

/** The entry a mention points to. */
export function mentionedEntryKey(item: RawItem): { pk: string; sk: string } {
  const m = decode(item, { day: req(isString), entrySk: req(isString) }, 'audit mention');
  return { pk: auditDayPk(m.day), sk: m.entrySk };
}

export const auditItemTypes = (): readonly ItemType[] => [
  {
    name: 'admin audit entry',
    key: 'AUDITLOG#<business day> / <at>#<id>',
    names: ['openid'],
    example: auditEntryKey('2026-01-01', '2026-01-01T00:00:00.000Z', 'a'),
    writtenBy: 'lib/audit/dynamoAuditLog.ts (recordAdminChange)',
  },
  {
    name: 'admin audit mention',
    key: 'AUDITOF#<openid> / <business day>#<entry sort key>',
    names: ['openid'],
    example: auditMentionKey('o', '2026-01-01', '2026-01-01T00:00:00.000Z#a'),
    writtenBy: 'lib/audit/dynamoAuditLog.ts (recordAdminChange)',
  },
];
