import type { ConversationMessage } from '../history/message';
import { decode, isNumber, list, named, opt, req, type RawItem } from './codec';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/**
 * A member's conversation history: `MEMBER#<openid>` / `MSG#<ISO time>#<id>`, newest last by time,
 * one item per push (the follower's message and the passive reply together) or per outbound
 * message, with a TTL (`expiresAt`, the retention period). In the member's partition, so erasure
 * deletes it and the export includes it with the rest of the partition.
 */
export const HISTORY_PREFIX = 'MSG#';
export const historyKey = (openid: string, at: string, id: string) => ({ pk: memberPk(openid), sk: `${HISTORY_PREFIX}${at}#${id}` });

export function historyItem(openid: string, messages: readonly ConversationMessage[], retentionDays: number) {
  const first = messages[0]!;
  const expiresAt = Math.floor(Date.parse(first.at) / 1000) + retentionDays * 86_400;
  return { ...historyKey(openid, first.at, first.id), messages, expiresAt };
}

export function decodeHistoryItem(item: RawItem): ConversationMessage[] {
  return decode(item, { messages: req(list<ConversationMessage>()), expiresAt: opt(isNumber) }, named(item, 'history item')).messages;
}

export const historyItemTypes = (): readonly ItemType[] => [
  {
    name: 'conversation history (a push and its reply, an outbound message, a note)',
    key: 'MEMBER#<openid> / MSG#<at>#<id>',
    names: ['openid'],
    example: historyKey('o', '2026-01-01T00:00:00.000Z', 'o|1|1'),
    writtenBy: 'lib/history/dynamoHistoryStore.ts',
  },
];
