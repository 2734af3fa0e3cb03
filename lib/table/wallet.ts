import { decode, isNumber, isString, opt, req, once, type RawItem } from './codec';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/** The wallet: a balance item and one ledger entry per change, in the member's partition. */
export const walletKey = (openid: string) => ({ pk: memberPk(openid), sk: 'WALLET' });
export const WALLET_ENTRY_PREFIX = 'WALLET#';
export const walletEntryKey = (openid: string, at: string, ref: string) => ({ pk: memberPk(openid), sk: `${WALLET_ENTRY_PREFIX}${at}#${ref}` });

const balanceShape = /* @__PURE__ */ once(() => ({ balanceFen: opt(isNumber), creditedFen: opt(isNumber), withdrawnFen: opt(isNumber) }));
const entryShape = /* @__PURE__ */ once(() => ({ at: req(isString), deltaFen: req(isNumber), reason: req(isString), ref: req(isString) }));

/** The wallet's balance item (absent: an empty wallet). */
export function decodeWalletBalance(item: RawItem | undefined): { balanceFen: number; creditedFen: number; withdrawnFen: number } {
  const w = decode(item ?? {}, balanceShape(), 'wallet');
  return { balanceFen: w.balanceFen ?? 0, creditedFen: w.creditedFen ?? 0, withdrawnFen: w.withdrawnFen ?? 0 };
}

export function decodeWalletEntry(item: RawItem): { at: string; deltaFen: number; reason: string; ref: string } {
  const e = decode(item, entryShape(), 'wallet entry');
  return { at: e.at, deltaFen: e.deltaFen, reason: e.reason, ref: e.ref };
}

export const walletItemTypes = (): readonly ItemType[] => [
  {
    name: 'wallet balance',
    key: 'MEMBER#<openid> / WALLET',
    names: ['openid'],
    example: walletKey('o'),
    writtenBy: 'lib/wallet/wallet.ts, lib/redpacket/dynamoRoundStore.ts (balance and entries)',
  },
  {
    name: 'wallet entry',
    key: 'MEMBER#<openid> / WALLET#<at>#<ref>',
    names: ['openid'],
    example: walletEntryKey('o', '2026-01-01T00:00:00.000Z', 'R'),
    writtenBy: 'lib/wallet/wallet.ts, lib/redpacket/dynamoRoundStore.ts (balance and entries)',
  },
];
