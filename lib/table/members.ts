import { DEFAULT_LEVELS } from '../levels/levels';
import type { Member } from '../members/member';
import type { PointsEntry } from '../members/points';
import { shardOf } from '../segments/shard';
import {
  blob,
  decode,
  isBoolean,
  isNumber,
  isObject,
  isString,
  isStringArray,
  named,
  oneOf,
  opt,
  recordOf,
  req,
  withoutKeys,
  once,
  type RawItem,
  type ShapeOf,
} from './codec';
import type { ItemType } from './itemType';

/**
 * The member's partition, `MEMBER#<openid>`: the profile (`PROFILE`) and everything else kept per
 * member (ledger, tags, coupons held, wallet, grabs, dedup records…). One query reads it all, and
 * erasure deletes it all (lib/privacy).
 */
export const MEMBER_PREFIX = 'MEMBER#';
export const PROFILE_SK = 'PROFILE';
export const memberPk = (openid: string) => `${MEMBER_PREFIX}${openid}`;
export const memberKey = (openid: string) => ({ pk: memberPk(openid), sk: PROFILE_SK });
export const isMemberPk = (pk: string) => pk.startsWith(MEMBER_PREFIX);
export const openidOfMemberPk = (pk: string) => pk.slice(MEMBER_PREFIX.length);
/** A person's profile by partition: a follower (`MEMBER#…`) or an imported prospect (`PROSPECT#…`). */
export const profileKey = (pk: string) => ({ pk, sk: PROFILE_SK });

/** Points ledger entries, newest last by time: `LEDGER#<at>#<idempotency key>`. */
export const LEDGER_PREFIX = 'LEDGER#';
export const ledgerEntryKey = (openid: string, at: string, idempotencyKey: string) => ({ pk: memberPk(openid), sk: `${LEDGER_PREFIX}${at}#${idempotencyKey}` });
/** The idempotency record of a points change (holds the entry it produced). */
export const pointsIdempotencyKey = (openid: string, key: string) => ({ pk: memberPk(openid), sk: `IDEM#${key}` });

/**
 * "This member holds a lot expiring on `day`": an item in the member's partition (so erasure removes
 * it with the member), indexed on gsi1 by day and shard (so the expiry run finds members without a scan).
 */
export const expiryMarkerKey = (day: string, openid: string) => ({ pk: memberPk(openid), sk: `EXPIRY#${day}` });
export const expiryIndexPk = (day: string, shard: number) => `EXPIRY#${day}#${shard}`;
export const expiryMarker = (day: string, openid: string) => ({
  ...expiryMarkerKey(day, openid),
  gsi1pk: expiryIndexPk(day, shardOf(openid)),
  gsi1sk: openid,
  openid,
  day,
});

/** Level history (`LEVEL#<at>`) and a queued level-change notice (`NOTICE#<at>#level-changed`). */
export const LEVEL_HISTORY_PREFIX = 'LEVEL#';
export const levelHistoryKey = (openid: string, at: string) => ({ pk: memberPk(openid), sk: `${LEVEL_HISTORY_PREFIX}${at}` });
export const levelNoticeKey = (openid: string, at: string) => ({ pk: memberPk(openid), sk: `NOTICE#${at}#level-changed` });

/**
 * What a person's profile holds from other channels, a follower's (`MEMBER#…/PROFILE`) or an
 * imported prospect's (`PROSPECT#…/PROFILE`), and the version every change of it is guarded by.
 */
export const personFields = () => ({
  phone: opt(isString),
  unionid: opt(isString),
  name: opt(isString),
  spendByChannel: opt(recordOf(isNumber)),
  spendFen: opt(isNumber),
  externalIds: opt(recordOf(isString)),
  version: opt(isNumber),
});

/** The profile as stored: a Member whose points, level, tags and subscription may not be written yet. */
type StoredProfile = Omit<Member, 'points' | 'level' | 'tags' | 'subscribed'> & Partial<Pick<Member, 'points' | 'level' | 'tags' | 'subscribed'>>;

const profileShape = /* @__PURE__ */ once(
  () =>
    ({
      openid: req(isString),
      subscribed: opt(isBoolean),
      subscribedAt: opt(isString),
      unsubscribedAt: opt(isString),
      firstSeenAt: req(isString),
      lastInteractionAt: req(isString),
      lastMessageAt: opt(isString),
      lastEventAt: opt(isString),
      source: opt(isString),
      sourceTicket: opt(isString),
      lastScene: opt(isString),
      nickname: opt(isString),
      region: opt(isString),
      birthdayMonth: opt(isNumber),
      purchaseCategories: opt(isStringArray),
      points: opt(isNumber),
      level: opt(isString),
      tags: opt(isStringArray),
      openidFlagged: opt(isBoolean),
      openidFlaggedAt: opt(isString),
      lastTouch: opt(blob<NonNullable<Member['lastTouch']>>()),
      handoff: opt(blob<NonNullable<Member['handoff']>>()),
      lastInbound: opt(blob<NonNullable<Member['lastInbound']>>()),
      waitingSince: opt(isString),
      lifetimePoints: opt(isNumber),
      pointLots: opt(recordOf(isNumber)),
      levelChangedAt: opt(isString),
      lastSignInDay: opt(isString),
      signInStreak: opt(isNumber),
      ...personFields(),
      mergedProspectAt: opt(isString),
      updatedAt: opt(isString),
    }) satisfies ShapeOf<StoredProfile>,
);

/** A member's profile item as a Member (keys off; points, level, tags and subscription defaulted). */
export function decodeMember(item: RawItem): Member {
  const m = decode(withoutKeys(item), profileShape(), named(item, 'member profile'));
  // A profile not levelled yet is at the entry level: the first of the default levels (普通).
  return { ...m, points: m.points ?? 0, level: m.level ?? DEFAULT_LEVELS[0]!.name, tags: m.tags ?? [], subscribed: m.subscribed ?? false };
}

/** Attributes a points change may set on the profile beside the balance (level, lots, streak) and the level index. */
export type MemberPatch = Partial<Pick<Member, 'level' | 'levelChangedAt' | 'pointLots' | 'lastSignInDay' | 'signInStreak'>> & {
  gsi1pk?: string;
  gsi1sk?: string;
};

/**
 * The profile's optimistic lock: a write lands only on the version it read (a profile never
 * written with a version must still have none). `exists` also requires the profile to be there.
 */
export function versionGuard(version: number, opts: { exists?: boolean } = {}): { ConditionExpression: string; values: Record<string, unknown> } {
  if (version === 0)
    return { ConditionExpression: opts.exists ? 'attribute_exists(pk) AND attribute_not_exists(version)' : 'attribute_not_exists(version)', values: {} };
  return { ConditionExpression: 'version = :version', values: { ':version': version } };
}

const pointsKinds = ['grant', 'redeem', 'expire', 'signin', 'adjust'] as const;
const pointsEntryShape = /* @__PURE__ */ once(
  () =>
    ({
      openid: req(isString),
      at: req(isString),
      balanceAfter: req(isNumber),
      delta: req(isNumber),
      reason: req(isString),
      idempotencyKey: req(isString),
      kind: req(oneOf(pointsKinds)),
    }) satisfies ShapeOf<PointsEntry>,
);

/** A ledger entry item (or the entry an idempotency record holds) as a PointsEntry. */
export function decodePointsEntry(item: RawItem): PointsEntry {
  return decode(withoutKeys(item), pointsEntryShape(), named(item, 'points entry'));
}

/** The entry an idempotency record holds, if the item is one. */
export function decodeIdempotencyRecord(item: RawItem | undefined): PointsEntry | undefined {
  return item && isObject(item.entry) ? decodePointsEntry(item.entry) : undefined;
}

export const memberItemTypes = (): readonly ItemType[] => [
  {
    name: 'member profile',
    key: 'MEMBER#<openid> / PROFILE',
    names: ['openid', 'phone', 'unionid'],
    example: memberKey('o'),
    writtenBy: 'lib/members/dynamoMemberStore.ts, lib/import (phone, unionid, name)',
  },
  {
    name: 'points ledger entry',
    key: 'MEMBER#<openid> / LEDGER#<at>#<key>',
    names: ['openid'],
    example: ledgerEntryKey('o', '2026-01-01T00:00:00.000Z', 'k'),
    writtenBy: 'lib/members/dynamoPointsLedger.ts',
  },
  {
    name: 'points idempotency record',
    key: 'MEMBER#<openid> / IDEM#<key>',
    names: ['openid'],
    example: pointsIdempotencyKey('o', 'k'),
    writtenBy: 'lib/members/dynamoPointsLedger.ts (idempotency records of points changes)',
  },
  {
    name: 'points expiry marker',
    key: 'MEMBER#<openid> / EXPIRY#<day>',
    names: ['openid'],
    example: expiryMarkerKey('2027-12-31', 'o'),
    writtenBy: 'lib/members/planPointsChange.ts (points-expiry index, on gsi1)',
  },
  {
    name: 'level history entry',
    key: 'MEMBER#<openid> / LEVEL#<at>',
    names: ['openid'],
    example: levelHistoryKey('o', '2026-01-01T00:00:00.000Z'),
    writtenBy: 'lib/levels/upgrade.ts (level history)',
  },
  {
    name: 'level-change notice',
    key: 'MEMBER#<openid> / NOTICE#<at>#level-changed',
    names: ['openid'],
    example: levelNoticeKey('o', '2026-01-01T00:00:00.000Z'),
    writtenBy: 'lib/levels/upgrade.ts (pending level-change notices)',
  },
];
