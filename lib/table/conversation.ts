import { createHash } from 'node:crypto';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/**
 * A push's dedup record lives in its follower's partition (`MEMBER#<openid>` / `DEDUP#<rest>`):
 * it holds the reply, which may quote the member's name or points, and erasure deletes the whole
 * partition (lib/privacy). Push keys start with `<openid>|` (lib/wechat/message.ts); any other key
 * keeps a partition of its own.
 */
export function dedupItemKey(k: string): { pk: string; sk: string } {
  const bar = k.indexOf('|');
  if (bar <= 0) return { pk: `DEDUP#${k}`, sk: 'DEDUP' };
  return { pk: memberPk(k.slice(0, bar)), sk: `DEDUP#${k.slice(bar + 1)}` };
}

/**
 * `REPLAY#<timestamp>#<nonce hash>/REPLAY` with the push's hash and a TTL just past the replay
 * window. The nonce is hashed: it is whatever the (signed) query says, of any length. Nothing here
 * names a follower.
 */
export const replayKey = (timestamp: string, nonce: string) => ({
  pk: `REPLAY#${timestamp}#${createHash('sha256').update(nonce, 'utf8').digest('hex').slice(0, 32)}`,
  sk: 'REPLAY',
});

export const conversationItemTypes = (): readonly ItemType[] => [
  {
    name: "a follower's push (dedup record)",
    key: 'MEMBER#<openid> / DEDUP#<rest of the push key>',
    names: ['openid'],
    example: dedupItemKey('o|1714036504|1'),
    writtenBy: 'lib/conversation/dynamoDedupStore.ts (pushes answered and their replies)',
  },
  {
    name: 'another push (dedup record)',
    key: 'DEDUP#<key> / DEDUP',
    names: [],
    example: dedupItemKey('event-key'),
    writtenBy: 'lib/conversation/dynamoDedupStore.ts (a key without an openid)',
  },
  {
    name: 'replay record',
    key: 'REPLAY#<timestamp>#<nonce hash> / REPLAY',
    names: [],
    example: replayKey('1714036504', 'n'),
    writtenBy: 'lib/wechat/dynamoReplayRecord.ts',
  },
];
