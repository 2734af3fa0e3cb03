import { memberPartitionKinds } from '../table';
import { partitionFamily, type MemberItemFamily, type OutsideFamily, type PartitionFamily } from './family';
import { couponsHeld } from './families/coupons';
import { lookups, prospects } from './families/identities';
import { pendingImportRows, pendingLinks } from './families/imports';
import { adminAuditEntries, adminAuditMentions } from './families/adminAudit';
import { payouts } from './families/payouts';
import { redPacketShares, roundBestLuck } from './families/redPackets';

/**
 * Every kind of item that names a member (by openid, unionid or phone), in one list: where it
 * lives, how erasure finds it from the member, and what erasure does with it. The export and the
 * erasure both work from this list, and tests/erasure.test.ts fails when an item naming a member
 * is written anywhere this list does not cover; lib/privacy/memberData.test.ts fails when the
 * table's schema (lib/table) lists an item type naming a member that no family here covers.
 * A new item type naming a member goes in the schema and here, or better in the member's
 * partition: the schema's kinds of item there are the partition families below, all deleted.
 */
export const PARTITION_FAMILIES: readonly PartitionFamily[] = memberPartitionKinds()
  // The profile is deleted last of all (lib/privacy/eraseMember.ts), so an interrupted erasure can be run again.
  .map((kind) => partitionFamily(kind.sk, 'delete', kind.writtenBy));

/**
 * Items outside the member's partition, in the order erasure handles them (prospects are found
 * through the lookups, so they go before the lookups; everything is found from the member's own
 * items, so all of these go before the partition).
 */
export const OUTSIDE_FAMILIES: readonly OutsideFamily[] = [
  couponsHeld,
  redPacketShares,
  roundBestLuck,
  payouts,
  prospects,
  lookups,
  pendingImportRows,
  pendingLinks,
  // The entries first: their mentions are how erasure finds them.
  adminAuditEntries,
  adminAuditMentions,
];

export const MEMBER_ITEM_FAMILIES: readonly MemberItemFamily[] = [...PARTITION_FAMILIES, ...OUTSIDE_FAMILIES];

/** The family an item belongs to, by its key; undefined for an item no family covers. */
export function familyOf(key: { pk: string; sk: string }): MemberItemFamily | undefined {
  return MEMBER_ITEM_FAMILIES.find((f) => f.holds(key));
}
