import { pauseWithin, type Deadline } from '../deadline/deadline';
import { createHmac, randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, itemAt } from '../store/batchGet';
import { errorName, isConditionFailure, putIf, type Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';
import {
  budgetLedgerKey,
  decode,
  decodeBudgetLedger,
  decodeGrab,
  decodeMemberDay,
  decodeMemberRound,
  decodeRound,
  decodeShardCounter,
  decodeShare,
  decodeTakenShare,
  grabKey,
  isNumber,
  memberDayKey,
  memberRoundKey,
  OPEN_PAYOUTS,
  opt,
  payoutKey,
  roundKey,
  roundOpenLease,
  roundsPk,
  serviceEventIndex,
  shardCounterKey,
  shardPk,
  shareKey,
  sharePrefix,
  transactWrite,
  updateExpression,
  walletEntryKey,
  walletKey,
  type ShareKind,
  type TxWrite,
} from '../table';
import { reserveFor, roundBudget } from './budget';
import { sharesOfShard, shardOf, type RoundSnapshot } from './round';
import type { Claim, ClaimResult, GrabView, RoundStore, StoredRound } from './roundStore';

/**
 * A share's lock names its holder by a keyed hash of the grab's dedup key (which starts with the
 * openid): a lock left by a grab that died sits on a shared item until the round closes, and must
 * not name the member there. The key is this container's; a lock only has to match within one grab.
 */
const LOCK_SECRET = randomBytes(32);
const lockHolder = (dedupKey: string) => createHmac('sha256', LOCK_SECRET).update(dedupKey).digest('base64url');

const KEEP_GRAB_RECORDS_S = 40 * 86_400;
/** Shares laid out per transaction: three items each (the share and two absence checks), under the 100-item cap. */
const LAYOUT_CHUNK = 33;
/** How long the first opener has to lay a round out before another grab or the schedule takes over. */
const OPEN_LEASE_MS = 15_000;
/** How long a grab may hold a share between locking it and its transaction. */
const LOCK_MS = 5_000;
/** Kept for one more read of the round when waiting for it to open under a deadline. */
const READ_MS = 150;
/** Tries at reserving a round's budget when another round of the campaign reserves at the same moment. */
const RESERVE_ATTEMPTS = 5;

export function dynamoRoundStore(table: Table, clock: { now(): number } = { now: Date.now }): RoundStore {
  const T = table.name;
  const send = table.doc.send.bind(table.doc);

  const acrossShards = async (r: RoundSnapshot, kind: ShareKind) =>
    (
      await Promise.all(Array.from({ length: r.shards }, (_, s) => queryPartition(table, shardPk(r, s), { prefix: sharePrefix(kind), consistent: true })))
    ).flat();

  /** Lays out share i as FREE unless it was taken or returned already (so a late second opener never resurrects a share). */
  const layoutItems = (r: RoundSnapshot, i: number): TxWrite[] => [
    { Put: { Item: { ...shareKey(r, 'FREE', i), index: i, amountFen: r.shares[i] } } },
    { ConditionCheck: { Key: shareKey(r, 'TAKEN', i), ConditionExpression: 'attribute_not_exists(pk)' } },
    { ConditionCheck: { Key: shareKey(r, 'RETURNED', i), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];

  async function layOut(r: RoundSnapshot): Promise<void> {
    await Promise.all(
      // A counter that exists already keeps its counts.
      Array.from({ length: r.shards }, (_, s) =>
        putIf(
          table,
          {
            ...shardCounterKey(r, s),
            size: sharesOfShard(r, s).length,
            taken: 0,
            takenFen: 0,
            returned: 0,
            returnedFen: 0,
            bonusLeftFen: r.budget?.bonusByShard[s] ?? 0,
            bonusReturnedFen: 0,
          },
          'attribute_not_exists(pk)',
        ),
      ),
    );
    const all = Array.from({ length: r.packets }, (_, i) => i);
    const chunks: number[][] = [];
    for (let i = 0; i < all.length; i += LAYOUT_CHUNK) chunks.push(all.slice(i, i + LAYOUT_CHUNK));
    await Promise.all(
      chunks.map(async (chunk) => {
        const written = await transactWrite(table, { shares: chunk.flatMap((i) => layoutItems(r, i)) });
        if (written.status === 'written') return;
        // Some share of this chunk is already taken: lay the others out one by one (a share taken or returned stays so).
        for (const i of chunk) await transactWrite(table, { share: layoutItems(r, i) });
      }),
    );
  }

  async function finishOpening(key: { pk: string; sk: string }, r: RoundSnapshot): Promise<StoredRound> {
    await layOut(r);
    try {
      await send(
        new UpdateCommand({
          TableName: T,
          Key: key,
          UpdateExpression: 'SET #s = :open REMOVE openLeaseUntil',
          ConditionExpression: '#s = :opening',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':opening': 'opening' },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    return (await store.get(r.campaignId, r.day))!;
  }

  /**
   * Someone else is laying the round out: wait for it rather than have a crowd write the same shares.
   * If the opener died (its lease ran out), finish the job; laying out is safe to repeat. A grab waits
   * no longer than its push's deadline allows, and then gets the round still `opening` (it says busy).
   */
  async function waitForOpen(campaignId: string, day: string, deadline?: Deadline): Promise<StoredRound> {
    for (let attempt = 0; ; attempt++) {
      const out = await send(new GetCommand({ TableName: T, Key: roundKey(campaignId, day), ConsistentRead: true }));
      const item = out.Item ?? {};
      const round = decodeRound(item);
      if (round.status !== 'opening') return round;
      const lease = roundOpenLease(item);
      if ((lease !== undefined && lease < clock.now()) || (!deadline && attempt >= 40)) return finishOpening(roundKey(campaignId, day), round.snapshot);
      if (!(await pauseWithin(deadline, Math.min(250, 20 * 2 ** Math.min(attempt, 4)), READ_MS))) return round;
    }
  }

  /**
   * The ledger, created on first use. A campaign with rounds from before budgets starts with their
   * shares reserved (they had no bonus room), so the days they spent are not handed to later rounds.
   */
  const readLedger = async (campaignId: string) =>
    decodeBudgetLedger((await send(new GetCommand({ TableName: T, Key: budgetLedgerKey(campaignId), ConsistentRead: true }))).Item);
  const legacyReserved = async (campaignId: string) =>
    (await store.rounds(campaignId)).reduce((sum, r) => sum + (r.snapshot.budget || r.unfunded ? 0 : r.snapshot.totalFen), 0);

  async function ledgerReserved(campaignId: string): Promise<number> {
    const found = await readLedger(campaignId);
    if (found !== undefined) return found;
    const legacyFen = await legacyReserved(campaignId);
    await putIf(table, { ...budgetLedgerKey(campaignId), reservedFen: legacyFen, legacyFen }, 'attribute_not_exists(pk)');
    return (await readLedger(campaignId))!;
  }

  /**
   * Creates the round item and reserves its budget from the campaign total in one transaction, so a
   * round exists exactly when its money is reserved. False when someone else created the round.
   */
  async function createRound(plan: RoundSnapshot): Promise<StoredRound | false> {
    const key = roundKey(plan.campaignId, plan.day);
    for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
      const reserved = await ledgerReserved(plan.campaignId);
      const approvedFen = plan.budgetPlan ? reserveFor(plan.budgetPlan, plan.totalFen, reserved) : plan.totalFen;
      const now = clock.now();
      if (approvedFen === undefined) {
        const item = { ...key, snapshot: plan, status: 'closed', unfunded: true, returnedFen: 0, closedAt: new Date(now).toISOString() };
        return (await putIf(table, item, 'attribute_not_exists(pk)')) && decodeRound(item);
      }
      const snapshot: RoundSnapshot = plan.budgetPlan ? { ...plan, budget: roundBudget(plan.budgetPlan, plan.shares, plan.shards, approvedFen) } : plan;
      const written = await transactWrite(table, {
        round: {
          Put: {
            Item: { ...key, snapshot, status: 'opening', openLeaseUntil: now + OPEN_LEASE_MS, openedAt: new Date(now).toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ledger: {
          Update: {
            Key: budgetLedgerKey(plan.campaignId),
            UpdateExpression: 'SET reservedFen = :after',
            ConditionExpression: 'reservedFen = :before',
            ExpressionAttributeValues: { ':before': reserved, ':after': reserved + approvedFen },
          },
        },
      });
      if (written.status === 'written') return finishOpening(key, snapshot);
      if (written.failed.has('round')) return false;
      // Another round of the campaign reserved meanwhile: read the ledger again.
    }
    throw new Error(`campaign ${plan.campaignId}: could not reserve the budget of round ${plan.day}`);
  }

  const store: RoundStore = {
    async get(campaignId, day) {
      const out = await send(new GetCommand({ TableName: T, Key: roundKey(campaignId, day), ConsistentRead: true }));
      return out.Item ? decodeRound(out.Item) : undefined;
    },

    async open(plan, deadline) {
      return (await createRound(plan)) || waitForOpen(plan.campaignId, plan.day, deadline);
    },

    // Read only (a report or an edit must not write): before the ledger exists it is what the old rounds spent.
    reservedFen: async (campaignId) => (await readLedger(campaignId)) ?? legacyReserved(campaignId),

    async view(r, openid, dedupKey, memberDay) {
      const keys = [
        memberRoundKey(openid, r),
        memberDayKey(openid, memberDay),
        grabKey(openid, dedupKey),
        ...Array.from({ length: r.shards }, (_, s) => shardCounterKey(r, s)),
      ];
      const items = await batchGet(table, keys);
      const mr = decodeMemberRound(itemAt(items, keys[0]!));
      const md = decodeMemberDay(itemAt(items, keys[1]!));
      const earlier = itemAt(items, keys[2]!);
      const counter = (s: number) => {
        const c = itemAt(items, shardCounterKey(r, s));
        return c && decodeShardCounter(c);
      };
      return {
        memberRoundGrabs: mr.grabs ?? 0,
        lastFen: mr.lastFen,
        memberDayGrabs: md.grabs ?? 0,
        freeByShard: Array.from({ length: r.shards }, (_, s) => {
          const c = counter(s);
          return c ? c.size - c.taken - c.returned : 0;
        }),
        bonusLeftByShard: Array.from({ length: r.shards }, (_, s) => counter(s)?.bonusLeftFen ?? 0),
        earlier: earlier ? decodeGrab(earlier) : undefined,
      } satisfies GrabView;
    },

    async freeShares(r, shard, limit) {
      // Shares held by another grab are left out: trying them would only be a failed write.
      const out = await send(
        new QueryCommand({
          TableName: T,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          FilterExpression: 'attribute_not_exists(lockedBy) OR lockedUntil < :now',
          ExpressionAttributeValues: { ':pk': shardPk(r, shard), ':p': sharePrefix('FREE'), ':now': clock.now() },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map((i) => decodeShare(i).index);
    },

    async claim(c, limits): Promise<ClaimResult> {
      const r = c.round;
      const payFen = c.amountFen + c.bonusFen;
      const expiresAt = Math.floor(Date.parse(c.at) / 1000) + KEEP_GRAB_RECORDS_S;
      let written: Awaited<ReturnType<typeof transactWrite>>;
      try {
        written = await transactWrite(table, {
          share: {
            Delete: { Key: shareKey(r, 'FREE', c.index), ConditionExpression: 'lockedBy = :me', ExpressionAttributeValues: { ':me': lockHolder(c.dedupKey) } },
          },
          taken: {
            Put: {
              Item: {
                ...shareKey(r, 'TAKEN', c.index),
                index: c.index,
                openid: c.openid,
                amountFen: c.amountFen,
                bonusFen: c.bonusFen,
                at: c.at,
                payoutRef: c.payoutRef,
              },
            },
          },
          counter: { Update: { Key: shardCounterKey(r, shardOf(c.index, r.shards)), ...takeFromCounter(c) } },
          memberRound: {
            Update: {
              Key: memberRoundKey(c.openid, r),
              // The share indexes let an erasure find the member's shares (lib/privacy).
              UpdateExpression: 'ADD grabs :one, shareIndexes :idx SET lastFen = :fen, campaignId = :c, #d = :d',
              ConditionExpression: 'attribute_not_exists(grabs) OR grabs < :limit',
              ExpressionAttributeNames: { '#d': 'day' },
              ExpressionAttributeValues: { ':one': 1, ':idx': new Set([c.index]), ':fen': payFen, ':c': r.campaignId, ':d': r.day, ':limit': limits.perRound },
            },
          },
          memberDay: {
            Update: {
              Key: memberDayKey(c.openid, c.memberDay),
              UpdateExpression: 'ADD grabs :one SET expiresAt = :exp',
              ConditionExpression: 'attribute_not_exists(grabs) OR grabs < :limit',
              ExpressionAttributeValues: { ':one': 1, ':limit': limits.perDay, ':exp': expiresAt },
            },
          },
          grab: {
            Put: {
              Item: { ...grabKey(c.openid, c.dedupKey), campaignId: r.campaignId, day: r.day, index: c.index, amountFen: payFen, at: c.at, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          payout: payoutItems(c, payFen),
        });
      } catch (err) {
        if (errorName(err) === 'TransactionConflictException') return 'share-gone';
        throw err;
      }
      if (written.status === 'written') return 'claimed';
      const { failed } = written;
      if (failed.has('grab')) return 'duplicate';
      if (failed.has('memberRound')) return 'round-limit';
      if (failed.has('memberDay')) return 'day-limit';
      if (failed.has('counter') && !failed.has('share')) return 'bonus-short';
      // The share went to someone else, or another transaction touched it at the same moment.
      return 'share-gone';
    },

    async bonusLeft(r, shard) {
      const out = await send(new GetCommand({ TableName: T, Key: shardCounterKey(r, shard), ConsistentRead: true, ProjectionExpression: 'bonusLeftFen' }));
      return decode(out.Item ?? {}, { bonusLeftFen: opt(isNumber) }, 'shard counter').bonusLeftFen ?? 0;
    },

    async lock(r, index, holder, nowMs) {
      try {
        await send(
          new UpdateCommand({
            TableName: T,
            Key: shareKey(r, 'FREE', index),
            UpdateExpression: 'SET lockedBy = :me, lockedUntil = :until',
            // A holder that died keeps the share only for a few seconds.
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lockedBy) OR lockedUntil < :now OR lockedBy = :me)',
            ExpressionAttributeValues: { ':me': lockHolder(holder), ':until': nowMs + LOCK_MS, ':now': nowMs },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async unlock(r, index, holder) {
      await send(
        new UpdateCommand({
          TableName: T,
          Key: shareKey(r, 'FREE', index),
          UpdateExpression: 'REMOVE lockedBy, lockedUntil',
          ConditionExpression: 'lockedBy = :me',
          ExpressionAttributeValues: { ':me': lockHolder(holder) },
        }),
      ).catch((err: unknown) => {
        if (!isConditionFailure(err)) throw err;
      });
    },

    async counts(r) {
      const items = await batchGet(
        table,
        Array.from({ length: r.shards }, (_, s) => shardCounterKey(r, s)),
      );
      let taken = 0;
      let returned = 0;
      for (const c of [...items.values()].map(decodeShardCounter)) {
        taken += c.taken;
        returned += c.returned;
      }
      return { taken, returned };
    },

    async saveReply(openid, dedupKey, reply) {
      await send(
        new UpdateCommand({
          TableName: T,
          Key: grabKey(openid, dedupKey),
          UpdateExpression: 'SET reply = :r',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':r': reply },
        }),
      );
    },

    async beginClose(campaignId, day) {
      const now = clock.now();
      try {
        const out = await send(
          new UpdateCommand({
            TableName: T,
            Key: roundKey(campaignId, day),
            UpdateExpression: 'SET #s = :closing, closeLeaseUntil = :lease',
            // A closer that died leaves its lease to run out; then the next one takes over.
            ConditionExpression: '#s = :open OR (#s = :closing AND closeLeaseUntil < :now)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':closing': 'closing', ':open': 'open', ':lease': now + 60_000, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return decodeRound(out.Attributes!);
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async returnFreeShares(r) {
      for (const { index: i } of (await acrossShards(r, 'FREE')).map(decodeShare)) {
        // Cancelled when grabbed at the last moment: it is taken, not returned.
        await transactWrite(table, {
          free: { Delete: { Key: shareKey(r, 'FREE', i), ConditionExpression: 'attribute_exists(pk)' } },
          returned: { Put: { Item: { ...shareKey(r, 'RETURNED', i), index: i, amountFen: r.shares[i] } } },
          counter: {
            Update: {
              Key: shardCounterKey(r, shardOf(i, r.shards)),
              UpdateExpression: 'ADD returned :one, returnedFen :fen',
              ExpressionAttributeValues: { ':one': 1, ':fen': r.shares[i] },
            },
          },
        });
      }
      return (await store.returned(r)).reduce((sum, s) => sum + s.amountFen, 0);
    },

    async returnBonus(r) {
      const moved = await Promise.all(
        Array.from({ length: r.shards }, async (_, s) => {
          // One atomic update per shard: a grab racing the close either got its bonus before or finds none left.
          const out = await send(
            new UpdateCommand({
              TableName: T,
              Key: shardCounterKey(r, s),
              UpdateExpression: 'SET bonusReturnedFen = if_not_exists(bonusReturnedFen, :zero) + bonusLeftFen, bonusLeftFen = :zero',
              ConditionExpression: 'attribute_exists(bonusLeftFen)',
              ExpressionAttributeValues: { ':zero': 0 },
              ReturnValues: 'ALL_NEW',
            }),
          ).catch((err: unknown) => {
            if (isConditionFailure(err)) return undefined; // a round from before budgets: no pool
            throw err;
          });
          return (out?.Attributes && decodeShardCounter(out.Attributes).bonusReturnedFen) ?? 0;
        }),
      );
      return moved.reduce((a, b) => a + b, 0);
    },

    async bonusPool(r) {
      const items = await batchGet(
        table,
        Array.from({ length: r.shards }, (_, s) => shardCounterKey(r, s)),
      );
      let leftFen = 0;
      let returnedFen = 0;
      for (const c of [...items.values()].map(decodeShardCounter)) {
        leftFen += c.bonusLeftFen ?? 0;
        returnedFen += c.bonusReturnedFen ?? 0;
      }
      return { leftFen, returnedFen };
    },

    async taken(r) {
      return (await acrossShards(r, 'TAKEN')).map(decodeTakenShare);
    },
    async returned(r) {
      return (await acrossShards(r, 'RETURNED')).map(decodeShare);
    },
    async free(r) {
      return (await acrossShards(r, 'FREE')).map(decodeShare);
    },

    async finishClose(campaignId, day, result) {
      const set = { status: 'closed', returnedFen: result.returnedFen, closedAt: result.closedAt, bestLuck: result.bestLuck, prize: result.prize };
      await send(new UpdateCommand({ TableName: T, Key: roundKey(campaignId, day), ...updateExpression({ set, remove: ['closeLeaseUntil'] }) }));
    },

    async claimPrizeNotice(campaignId, day) {
      try {
        await send(
          new UpdateCommand({
            TableName: T,
            Key: roundKey(campaignId, day),
            UpdateExpression: 'SET prizeNoticeClaimedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(prizeNoticeClaimedAt)',
            ExpressionAttributeValues: { ':now': new Date(clock.now()).toISOString() },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async rounds(campaignId) {
      return (await queryPartition(table, roundsPk(campaignId), { consistent: true })).map(decodeRound);
    },
  };

  return store;
}

/** The shard's counter in a claim: the share counted, and its bonus taken from the pool only if the pool holds it. */
function takeFromCounter(c: Claim) {
  if (c.bonusFen <= 0) return { UpdateExpression: 'ADD taken :one, takenFen :fen', ExpressionAttributeValues: { ':one': 1, ':fen': c.amountFen } };
  return {
    UpdateExpression: 'ADD taken :one, takenFen :fen, bonusLeftFen :minus',
    ConditionExpression: 'bonusLeftFen >= :bonus',
    ExpressionAttributeValues: { ':one': 1, ':fen': c.amountFen, ':minus': -c.bonusFen, ':bonus': c.bonusFen },
  };
}

/** The money side of a claim, in the same transaction: a wallet credit, or a payout order for the worker. */
function payoutItems(c: Claim, payFen: number): TxWrite[] {
  const r = c.round;
  if (r.payoutMode === 'wallet') {
    return [
      // The last credit is indexed by time, for "wallet balance unclaimed" notices (lib/reengage).
      {
        Update: {
          Key: walletKey(c.openid),
          UpdateExpression: 'ADD balanceFen :fen, creditedFen :fen SET updatedAt = :at, openid = :o, gsi1pk = :ek, gsi1sk = :es',
          ExpressionAttributeValues: { ':fen': payFen, ':at': c.at, ':o': c.openid, ...eventValues(serviceEventIndex('WALLETCREDIT', c.openid, c.at)) },
        },
      },
      {
        Put: {
          Item: {
            ...walletEntryKey(c.openid, c.at, c.payoutRef),
            deltaFen: payFen,
            reason: 'redpacket',
            ref: c.payoutRef,
            campaignId: r.campaignId,
            day: r.day,
            at: c.at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }
  return [
    {
      Put: {
        Item: {
          ...payoutKey(c.payoutRef),
          ref: c.payoutRef,
          mode: r.payoutMode,
          openid: c.openid,
          amountFen: payFen,
          campaignId: r.campaignId,
          campaignName: r.name,
          day: r.day,
          state: 'pending',
          attempts: 0,
          createdAt: c.at,
          updatedAt: c.at,
          gsi1pk: OPEN_PAYOUTS,
          gsi1sk: c.at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

const eventValues = (i: { gsi1pk: string; gsi1sk: string }) => ({ ':ek': i.gsi1pk, ':es': i.gsi1sk });
