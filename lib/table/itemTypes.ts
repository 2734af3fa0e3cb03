import { activityItemTypes } from './activity';
import { approvalItemTypes } from './approvals';
import { auditItemTypes } from './audit';
import { broadcastItemTypes } from './broadcasts';
import { configItemTypes } from './config';
import { conversationItemTypes } from './conversation';
import { historyItemTypes } from './history';
import { couponItemTypes } from './coupons';
import { importItemTypes } from './imports';
import type { ItemType } from './itemType';
import { isMemberPk, memberItemTypes } from './members';
import { payoutItemTypes } from './payouts';
import { privacyItemTypes } from './privacy';
import { redpacketItemTypes } from './redpackets';
import { segmentItemTypes } from './segments';
import { walletItemTypes } from './wallet';

/** Every kind of item the table holds, capability by capability. */
export const itemTypes = (): readonly ItemType[] => [
  ...memberItemTypes(),
  ...segmentItemTypes(),
  ...couponItemTypes(),
  ...walletItemTypes(),
  ...redpacketItemTypes(),
  ...payoutItemTypes(),
  ...broadcastItemTypes(),
  ...importItemTypes(),
  ...conversationItemTypes(),
  ...historyItemTypes(),
  ...activityItemTypes(),
  ...privacyItemTypes(),
  ...configItemTypes(),
  ...auditItemTypes(),
  ...approvalItemTypes(),
];

/** The item types that name a member (openid, phone or unionid): erasure and export must cover each. */
export const memberNamingItemTypes = () => itemTypes().filter((t) => t.names.length > 0);

/** The first segment of a sort key: `LEDGER` for `LEDGER#…`, `PROFILE` for `PROFILE`. */
export const skSegment = (sk: string) => sk.split('#')[0]!;

/**
 * The kinds of item in a member's partition, by the first segment of their sort key (one kind may
 * be several item types: the wallet's balance and its entries), with the code that writes them.
 */
export function memberPartitionKinds(): { sk: string; writtenBy: string }[] {
  const kinds = new Map<string, string[]>();
  for (const t of itemTypes()) {
    if (!isMemberPk(t.example.pk)) continue;
    const sk = skSegment(t.example.sk);
    const writers = kinds.get(sk) ?? [];
    if (!writers.includes(t.writtenBy)) writers.push(t.writtenBy);
    kinds.set(sk, writers);
  }
  return [...kinds].map(([sk, writers]) => ({ sk, writtenBy: writers.join('; ') }));
}
