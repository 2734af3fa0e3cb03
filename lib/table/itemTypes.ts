import { ACTIVITY_ITEM_TYPES } from './activity';
import { BROADCAST_ITEM_TYPES } from './broadcasts';
import { CONFIG_ITEM_TYPES } from './config';
import { CONVERSATION_ITEM_TYPES } from './conversation';
import { COUPON_ITEM_TYPES } from './coupons';
import { IMPORT_ITEM_TYPES } from './imports';
import type { ItemType } from './itemType';
import { isMemberPk, MEMBER_ITEM_TYPES } from './members';
import { PAYOUT_ITEM_TYPES } from './payouts';
import { PRIVACY_ITEM_TYPES } from './privacy';
import { REDPACKET_ITEM_TYPES } from './redpackets';
import { SEGMENT_ITEM_TYPES } from './segments';
import { WALLET_ITEM_TYPES } from './wallet';

/** Every kind of item the table holds, capability by capability. */
export const ITEM_TYPES: readonly ItemType[] = [
  ...MEMBER_ITEM_TYPES,
  ...SEGMENT_ITEM_TYPES,
  ...COUPON_ITEM_TYPES,
  ...WALLET_ITEM_TYPES,
  ...REDPACKET_ITEM_TYPES,
  ...PAYOUT_ITEM_TYPES,
  ...BROADCAST_ITEM_TYPES,
  ...IMPORT_ITEM_TYPES,
  ...CONVERSATION_ITEM_TYPES,
  ...ACTIVITY_ITEM_TYPES,
  ...PRIVACY_ITEM_TYPES,
  ...CONFIG_ITEM_TYPES,
];

/** The item types that name a member (openid, phone or unionid): erasure and export must cover each. */
export const MEMBER_NAMING_ITEM_TYPES = ITEM_TYPES.filter((t) => t.names.length > 0);

/** The first segment of a sort key: `LEDGER` for `LEDGER#…`, `PROFILE` for `PROFILE`. */
export const skSegment = (sk: string) => sk.split('#')[0]!;

/**
 * The kinds of item in a member's partition, by the first segment of their sort key (one kind may
 * be several item types: the wallet's balance and its entries), with the code that writes them.
 */
export function memberPartitionKinds(): { sk: string; writtenBy: string }[] {
  const kinds = new Map<string, string[]>();
  for (const t of ITEM_TYPES) {
    if (!isMemberPk(t.example.pk)) continue;
    const sk = skSegment(t.example.sk);
    const writers = kinds.get(sk) ?? [];
    if (!writers.includes(t.writtenBy)) writers.push(t.writtenBy);
    kinds.set(sk, writers);
  }
  return [...kinds].map(([sk, writers]) => ({ sk, writtenBy: writers.join('; ') }));
}
