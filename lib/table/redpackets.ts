import type { CampaignRecord } from '../redpacket/campaignRecord';
import { shardOf, type RoundSnapshot } from '../redpacket/round';
import type { BestLuck, StoredRound, TakenShare } from '../redpacket/roundStore';
import { blob, decode, isBoolean, isNumber, isNumberSet, isString, oneOf, opt, req, once, type RawItem } from './codec';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/** Campaigns: one partition, one item per campaign (the record whole, and its version for optimistic saves). */
export const CAMPAIGNS_PK = 'CAMPAIGNS';
export const campaignKey = (id: string) => ({ pk: CAMPAIGNS_PK, sk: id });

/** A campaign's rounds: `RPROUNDS#<campaign>` / `<day>`. */
export const roundsPk = (campaignId: string) => `RPROUNDS#${campaignId}`;
export const roundKey = (campaignId: string, day: string) => ({ pk: roundsPk(campaignId), sk: day });
export const isRoundKey = (key: { pk: string; sk: string }) => key.pk.startsWith('RPROUNDS#');
/** A round's shares and counters are spread over shards: `RPSHARD#<campaign>#<day>#<shard>`. */
export const shardPk = (r: Pick<RoundSnapshot, 'campaignId' | 'day'>, shard: number) => `RPSHARD#${r.campaignId}#${r.day}#${shard}`;
export type ShareKind = 'FREE' | 'TAKEN' | 'RETURNED';
const idx = (i: number) => String(i).padStart(5, '0');
export const sharePrefix = (kind: ShareKind) => `${kind}#`;
export const shareKey = (r: Pick<RoundSnapshot, 'campaignId' | 'day' | 'shards'>, kind: ShareKind, i: number) => ({
  pk: shardPk(r, shardOf(i, r.shards)),
  sk: `${sharePrefix(kind)}${idx(i)}`,
});
export const isTakenShareKey = (key: { pk: string; sk: string }) => key.pk.startsWith('RPSHARD#') && key.sk.startsWith(sharePrefix('TAKEN'));
export const shardCounterKey = (r: Pick<RoundSnapshot, 'campaignId' | 'day'>, shard: number) => ({ pk: shardPk(r, shard), sk: 'COUNT' });
/** The member's grabs in one round (with the indexes of the shares they took), in one day, and per push. */
export const MEMBER_ROUND_PREFIX = 'RPROUND#';
export const memberRoundKey = (openid: string, r: Pick<RoundSnapshot, 'campaignId' | 'day'>) => ({
  pk: memberPk(openid),
  sk: `${MEMBER_ROUND_PREFIX}${r.campaignId}#${r.day}`,
});
export const memberDayKey = (openid: string, day: string) => ({ pk: memberPk(openid), sk: `RPDAY#${day}` });
export const grabKey = (openid: string, dedupKey: string) => ({ pk: memberPk(openid), sk: `RPGRAB#${dedupKey}` });
/** The campaign's budget ledger: what its rounds reserved from the campaign total (one write per round opened). */
export const budgetLedgerKey = (campaignId: string) => ({ pk: `RPBUDGET#${campaignId}`, sk: 'LEDGER' });

export function decodeCampaign(item: RawItem): CampaignRecord {
  return decode(item, { campaign: req(blob<CampaignRecord>()) }, 'campaign').campaign;
}

const ROUND_STATUSES = ['opening', 'open', 'closing', 'closed'] as const;
const roundShape = /* @__PURE__ */ once(() => ({
  snapshot: req(blob<RoundSnapshot>()),
  status: req(oneOf(ROUND_STATUSES)),
  bestLuck: opt(blob<BestLuck>()),
  returnedFen: opt(isNumber),
  closedAt: opt(isString),
  prize: opt(blob<NonNullable<StoredRound['prize']>>()),
  unfunded: opt(isBoolean),
  /** Until when the first opener lays the round out (while `opening`). */
  openLeaseUntil: opt(isNumber),
}));

export function decodeRound(item: RawItem): StoredRound {
  const r = decode(item, roundShape(), 'round');
  return {
    snapshot: r.snapshot,
    status: r.status,
    bestLuck: r.bestLuck,
    returnedFen: r.returnedFen,
    closedAt: r.closedAt,
    prize: r.prize,
    unfunded: r.unfunded,
  };
}

/** Until when the round's opener holds it (undefined when nobody does). */
export function roundOpenLease(item: RawItem): number | undefined {
  return decode(item, roundShape(), 'round').openLeaseUntil;
}

/** A shard's counter: shares laid out, taken and returned, and its bonus pool (absent on rounds from before budgets). */
export function decodeShardCounter(item: RawItem) {
  return decode(
    item,
    { size: req(isNumber), taken: req(isNumber), returned: req(isNumber), bonusLeftFen: opt(isNumber), bonusReturnedFen: opt(isNumber) },
    'shard counter',
  );
}

/** A FREE or RETURNED share: its index and amount. */
export function decodeShare(item: RawItem): { index: number; amountFen: number } {
  const s = decode(item, { index: req(isNumber), amountFen: req(isNumber) }, 'share');
  return { index: s.index, amountFen: s.amountFen };
}

export function decodeTakenShare(item: RawItem): TakenShare {
  const s = decode(
    item,
    { index: req(isNumber), openid: req(isString), amountFen: req(isNumber), bonusFen: opt(isNumber), at: req(isString), payoutRef: req(isString) },
    'taken share',
  );
  return { index: s.index, openid: s.openid, amountFen: s.amountFen, bonusFen: s.bonusFen ?? 0, at: s.at, payoutRef: s.payoutRef };
}

/** The member's round item: grabs so far, the last amount, and the shares taken (for erasure). */
export function decodeMemberRound(item: RawItem | undefined) {
  return decode(
    item ?? {},
    { grabs: opt(isNumber), lastFen: opt(isNumber), campaignId: opt(isString), day: opt(isString), shareIndexes: opt(isNumberSet) },
    "member's round",
  );
}

export function decodeMemberDay(item: RawItem | undefined) {
  return decode(item ?? {}, { grabs: opt(isNumber) }, "member's day");
}

/** A grab's record: what it paid, and the reply once saved. */
export function decodeGrab(item: RawItem): { reply?: string; amountFen: number } {
  const g = decode(item, { reply: opt(isString), amountFen: req(isNumber) }, 'grab');
  return { reply: g.reply, amountFen: g.amountFen };
}

export function decodeBudgetLedger(item: RawItem | undefined): number | undefined {
  return decode(item ?? {}, { reservedFen: opt(isNumber) }, 'budget ledger').reservedFen;
}

export const redpacketItemTypes = (): readonly ItemType[] => [
  { name: 'campaign', key: 'CAMPAIGNS / <id>', names: [], example: campaignKey('c'), writtenBy: 'lib/redpacket/campaignStore.ts' },
  {
    name: 'round',
    key: 'RPROUNDS#<campaign> / <day>',
    names: ['openid'],
    example: roundKey('c', '2026-01-01'),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts, lib/redpacket/closeRound.ts (bestLuck names the luckiest grabber)',
  },
  {
    name: 'free share',
    key: 'RPSHARD#<campaign>#<day>#<shard> / FREE#<index>',
    names: [],
    example: shareKey({ campaignId: 'c', day: '2026-01-01', shards: 4 }, 'FREE', 3),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (a lock names its holder by a keyed hash only)',
  },
  {
    name: 'taken share',
    key: 'RPSHARD#<campaign>#<day>#<shard> / TAKEN#<index>',
    names: ['openid'],
    example: shareKey({ campaignId: 'c', day: '2026-01-01', shards: 4 }, 'TAKEN', 3),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (claim)',
  },
  {
    name: 'returned share',
    key: 'RPSHARD#<campaign>#<day>#<shard> / RETURNED#<index>',
    names: [],
    example: shareKey({ campaignId: 'c', day: '2026-01-01', shards: 4 }, 'RETURNED', 3),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (returnFreeShares)',
  },
  {
    name: 'shard counter',
    key: 'RPSHARD#<campaign>#<day>#<shard> / COUNT',
    names: [],
    example: shardCounterKey({ campaignId: 'c', day: '2026-01-01' }, 0),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts',
  },
  { name: 'budget ledger', key: 'RPBUDGET#<campaign> / LEDGER', names: [], example: budgetLedgerKey('c'), writtenBy: 'lib/redpacket/dynamoRoundStore.ts' },
  {
    name: "member's round",
    key: 'MEMBER#<openid> / RPROUND#<campaign>#<day>',
    names: ['openid'],
    example: memberRoundKey('o', { campaignId: 'c', day: '2026-01-01' }),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (grabs per round, share indexes)',
  },
  {
    name: "member's day",
    key: 'MEMBER#<openid> / RPDAY#<day>',
    names: ['openid'],
    example: memberDayKey('o', '2026-01-01'),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (grabs per day)',
  },
  {
    name: 'grab',
    key: 'MEMBER#<openid> / RPGRAB#<dedup key>',
    names: ['openid'],
    example: grabKey('o', 'o|1'),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (a grab and its reply)',
  },
];
