import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEMBER_ITEM_FAMILIES, familyOf } from './memberData';

test('family names are unique: each is one export section and one erasure step', () => {
  const names = MEMBER_ITEM_FAMILIES.map((f) => f.name);
  assert.deepEqual([...new Set(names)], names);
});

test('every key belongs to exactly one family (COUPON# is not COUPONKEY#, WALLET is a wallet entry’s family too)', () => {
  const keys: [pk: string, sk: string, family: string][] = [
    ['MEMBER#o1', 'PROFILE', 'profile'],
    ['MEMBER#o1', 'COUPON#2026-01-01T00:00:00Z#ABC', 'coupon'],
    ['MEMBER#o1', 'COUPONKEY#gift-1', 'couponkey'],
    ['MEMBER#o1', 'WALLET', 'wallet'],
    ['MEMBER#o1', 'WALLET#2026-01-01T00:00:00Z#RP1', 'wallet'],
    ['MEMBER#o1', 'DEDUP#1714036504|24000000000000000001', 'dedup'],
    ['MEMBER#o1', 'EXPIRY#2027-12-31', 'expiry'],
    ['MEMBER#o1', 'EARLY#123', 'early'],
    ['COUPON#ABC', 'COUPON', 'couponsHeld'],
    ['RPSHARD#c1#2026-01-01#3', 'TAKEN#00003', 'redPacketShares'],
    ['RPROUNDS#c1', '2026-01-01', 'roundBestLuck'],
    ['PAYOUT#RP1', 'PAYOUT', 'payouts'],
    ['LOOKUP#PHONE#13900000000', 'LOOKUP', 'lookups'],
    ['PROSPECT#abc', 'PROFILE', 'prospects'],
    ['IMPORTJOB#j1', 'CHUNK#00000', 'pendingImportRows'],
    ['LINK#PENDING', '2026-01-01T00:00:00.000Z#o1', 'pendingLinks'],
  ];
  for (const [pk, sk, family] of keys) {
    const holders = MEMBER_ITEM_FAMILIES.filter((f) => f.holds({ pk, sk })).map((f) => f.name);
    assert.deepEqual(holders, [family], `${pk} / ${sk}`);
  }
  // Items that name no one are no family's: a shared counter, a free share, a job's status.
  for (const [pk, sk] of [
    ['STATS#2026-01-01', 'SHARD#1'],
    ['RPSHARD#c1#2026-01-01#3', 'FREE#00003'],
    ['IMPORTJOB#j1', 'STATUS'],
    ['AUDIT#ERASURE', 'x'],
  ] as const)
    assert.equal(familyOf({ pk, sk }), undefined, `${pk} / ${sk}`);
});
