import { partitionFamily, type MemberItemFamily, type OutsideFamily, type PartitionFamily } from './family';
import { couponsHeld } from './families/coupons';
import { lookups, prospects } from './families/identities';
import { pendingImportRows, pendingLinks } from './families/imports';
import { payouts } from './families/payouts';
import { redPacketShares, roundBestLuck } from './families/redPackets';

/**
 * Every kind of item that names a member (by openid, unionid or phone), in one list: where it
 * lives, how erasure finds it from the member, and what erasure does with it. The export and the
 * erasure both work from this list, and tests/erasure.test.ts fails when an item naming a member
 * is written anywhere this list does not cover. A new item type naming a member goes here, or
 * better in the member's partition (then one line below is all it needs).
 */
export const PARTITION_FAMILIES: readonly PartitionFamily[] = [
  partitionFamily('LEDGER', 'delete', 'lib/members/dynamoPointsLedger.ts'),
  partitionFamily('IDEM', 'delete', 'lib/members/dynamoPointsLedger.ts (idempotency records of points changes)'),
  partitionFamily('EXPIRY', 'delete', 'lib/members/planPointsChange.ts (points-expiry index, on gsi1)'),
  partitionFamily('LEVEL', 'delete', 'lib/levels/upgrade.ts (level history)'),
  partitionFamily('NOTICE', 'delete', 'lib/levels/upgrade.ts (pending level-change notices)'),
  partitionFamily('TAG', 'delete', 'lib/tags/dynamoTagStore.ts'),
  partitionFamily('COUPON', 'delete', "lib/coupons/dynamoCouponStore.ts (the member's copy)"),
  partitionFamily('COUPONKEY', 'delete', 'lib/coupons/dynamoCouponStore.ts (idempotency of issues)'),
  partitionFamily('WALLET', 'delete', 'lib/wallet/wallet.ts, lib/redpacket/dynamoRoundStore.ts (balance and entries)'),
  partitionFamily('RPROUND', 'delete', 'lib/redpacket/dynamoRoundStore.ts (grabs per round, share indexes)'),
  partitionFamily('RPDAY', 'delete', 'lib/redpacket/dynamoRoundStore.ts (grabs per day)'),
  partitionFamily('RPGRAB', 'delete', 'lib/redpacket/dynamoRoundStore.ts (a grab and its reply)'),
  partitionFamily('ACTIVE', 'delete', 'lib/stats/dynamoStatsStore.ts (active-day markers)'),
  partitionFamily('REENGAGED', 'delete', 'lib/reengage/touchStore.ts (re-engagement cooldowns)'),
  partitionFamily('TOUCH', 'delete', 'lib/broadcast/dynamoDeliveryStore.ts (broadcasts received per month)'),
  partitionFamily('EARLY', 'delete', "lib/broadcast/dynamoDeliveryStore.ts (a template notice's early job report)"),
  partitionFamily('DEDUP', 'delete', 'lib/conversation/dynamoDedupStore.ts (pushes answered and their replies)'),
  partitionFamily('ERASURE', 'delete', 'lib/privacy/eraseMember.ts (an erasure under way)'),
  // Deleted last of all (lib/privacy/eraseMember.ts), so an interrupted erasure can be run again.
  partitionFamily('PROFILE', 'delete', 'lib/members/dynamoMemberStore.ts, lib/import (phone, unionid, name)'),
];

/**
 * Items outside the member's partition, in the order erasure handles them (prospects are found
 * through the lookups, so they go before the lookups; everything is found from the member's own
 * items, so all of these go before the partition).
 */
export const OUTSIDE_FAMILIES: readonly OutsideFamily[] = [couponsHeld, redPacketShares, roundBestLuck, payouts, prospects, lookups, pendingImportRows, pendingLinks];

export const MEMBER_ITEM_FAMILIES: readonly MemberItemFamily[] = [...PARTITION_FAMILIES, ...OUTSIDE_FAMILIES];

/** The family an item belongs to, by its key; undefined for an item no family covers. */
export function familyOf(key: { pk: string; sk: string }): MemberItemFamily | undefined {
  return MEMBER_ITEM_FAMILIES.find((f) => f.holds(key));
}
