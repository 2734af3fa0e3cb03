import { shardOf } from '../segments/shard';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/**
 * The segment indexes, sharded by the member's shard (lib/segments/shard.ts): activity on gsi3
 * (the profile's last interaction), level on gsi1 (the profile), tags on gsi2 (one tag item per
 * member and tag, in the member's partition).
 */
export const activityPk = (shard: number) => `ACTIVE#${shard}`;
export const levelPk = (level: string, shard: number) => `LEVEL#${level}#${shard}`;
export const tagPk = (tag: string, shard: number) => `TAG#${tag}#${shard}`;
export const activityKey = (openid: string) => activityPk(shardOf(openid));
export const levelKey = (level: string, openid: string) => levelPk(level, shardOf(openid));
export const tagKey = (tag: string, openid: string) => tagPk(tag, shardOf(openid));

/** One item per member and tag (`TAG#<tag>` in the member's partition), indexed on gsi2. */
export const tagItemKey = (openid: string, tag: string) => ({ pk: memberPk(openid), sk: `TAG#${tag}` });
export const tagItem = (openid: string, tag: string, at: string) => ({
  ...tagItemKey(openid, tag),
  gsi2pk: tagKey(tag, openid),
  gsi2sk: openid,
  openid,
  tag,
  at,
});

export const segmentItemTypes = (): readonly ItemType[] => [
  { name: 'member tag', key: 'MEMBER#<openid> / TAG#<tag>', names: ['openid'], example: tagItemKey('o', 't'), writtenBy: 'lib/tags/dynamoTagStore.ts' },
];
