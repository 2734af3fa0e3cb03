import { pauseWithin, type Deadline } from '../deadline/deadline';
import { createHmac, randomBytes } from 'node:crypto';
import { serviceEventIndex } from '../notices/serviceEvents';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../store/batchGet';
import { cancellationCodes, isConditionFailure, putIf, type Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';
import { payoutKey, OPEN_PAYOUTS } from '../payouts/payoutKeys';
import { walletEntryKey, walletKey } from '../wallet/walletKeys';
import { reserveFor, roundBudget } from './budget';
import { sharesOfShard, shardOf, type RoundSnapshot } from './round';
import type { BestLuck, Claim, ClaimResult, GrabView, RoundStore, StoredRound, TakenShare } from './roundStore';

export const roundKey = (campaignId: string, day: string) => ({ pk: `RPROUNDS#${campaignId}`, sk: day });
export const shardPk = (r: Pick<RoundSnapshot, 'campaignId' | 'day'>, shard: number) => `RPSHARD#${r.campaignId}#${r.day}#${shard}`;
const idx = (i: number) => String(i).padStart(5, '0');
export const shareKey = (r: Pick<RoundSnapshot, 'campaignId' | 'day' | 'shards'>, kind: 'FREE' | 'TAKEN' | 'RETURNED', i: number) => ({ pk: shardPk(r, shardOf(i, r.shards)), sk: `${kind}#${idx(i)}` });
const countKey = (r: RoundSnapshot, shard: number) => ({ pk: shardPk(r, shard), sk: 'COUNT' });
const memberRoundKey = (openid: string, r: RoundSnapshot) => ({ pk: `MEMBER#${openid}`, sk: `RPROUND#${r.campaignId}#${r.day}` });
const memberDayKey = (openid: string, day: string) => ({ pk: `MEMBER#${openid}`, sk: `RPDAY#${day}` });
const grabKey = (openid: string, dedupKey: string) => ({ pk: `MEMBER#${openid}`, sk: `RPGRAB#${dedupKey}` });
/** The campaign's budget ledger: what its rounds reserved from the campaign total (one write per round opened). */
export const budgetLedgerKey = (campaignId: string) => ({ pk: `RPBUDGET#${campaignId}`, sk: 'LEDGER' });

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

const toRound = (item: Record<string, unknown>): StoredRound => ({
  snapshot: item.snapshot as RoundSnapshot,
  status: item.status as StoredRound['status'],
  bestLuck: item.bestLuck as BestLuck | undefined,
  returnedFen: item.returnedFen as number | undefined,
  closedAt: item.closedAt as string | undefined,
  prize: item.prize as StoredRound['prize'],
  unfunded: item.unfunded as boolean | undefined,
});

export function dynamoRoundStore(table: Table, clock: { now(): number } = { now: Date.now }): RoundStore {
  const T = table.name;
  const send = table.doc.send.bind(table.doc);

  const acrossShards = async (r: RoundSnapshot, prefix: string) =>
    (await Promise.all(Array.from({ length: r.shards }, (_, s) => queryPartition(table, shardPk(r, s), { prefix, consistent: true })))).flat();

  /** Lays out share i as FREE unless it was taken or returned already (so a late second opener never resurrects a share). */
  const layoutItems = (r: RoundSnapshot, i: number) => [
    { Put: { TableName: T, Item: { ...shareKey(r, 'FREE', i), index: i, amountFen: r.shares[i] } } },
    { ConditionCheck: { TableName: T, Key: shareKey(r, 'TAKEN', i), ConditionExpression: 'attribute_not_exists(pk)' } },
    { ConditionCheck: { TableName: T, Key: shareKey(r, 'RETURNED', i), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];

  async function layOut(r: RoundSnapshot): Promise<void> {
    await Promise.all(
      // A counter that exists already keeps its counts.
      Array.from({ length: r.shards }, (_, s) =>
        putIf(table, { ...countKey(r, s), size: sharesOfShard(r, s).length, taken: 0, takenFen: 0, returned: 0, returnedFen: 0, bonusLeftFen: r.budget?.bonusByShard[s] ?? 0, bonusReturnedFen: 0 }, 'attribute_not_exists(pk)'),
      ),
    );
    const all = Array.from({ length: r.packets }, (_, i) => i);
    const chunks: number[][] = [];
    for (let i = 0; i < all.length; i += LAYOUT_CHUNK) chunks.push(all.slice(i, i + LAYOUT_CHUNK));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          await send(new TransactWriteCommand({ TransactItems: chunk.flatMap((i) => layoutItems(r, i)) }));
        } catch (err) {
          if (!cancellationCodes(err)) throw err;
          // Some share of this chunk is already taken: lay the others out one by one.
          for (const i of chunk) {
            await send(new TransactWriteCommand({ TransactItems: layoutItems(r, i) })).catch((e: unknown) => {
              if (!cancellationCodes(e)) throw e;
            });
          }
        }
      }),
    );
  }

  async function finishOpening(key: { pk: string; sk: string }, r: RoundSnapshot): Promise<StoredRound> {
    await layOut(r);
    try {
      await send(new UpdateCommand({ TableName: T, Key: key, UpdateExpression: 'SET #s = :open REMOVE openLeaseUntil', ConditionExpression: '#s = :opening', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':open': 'open', ':opening': 'opening' } }));
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
      const round = toRound(out.Item!);
      if (round.status !== 'opening') return round;
      if ((out.Item!.openLeaseUntil as number) < clock.now() || (!deadline && attempt >= 40)) return finishOpening(roundKey(campaignId, day), round.snapshot);
      if (!(await pauseWithin(deadline, Math.min(250, 20 * 2 ** Math.min(attempt, 4)), READ_MS))) return round;
    }
  }

  /**
   * The ledger, created on first use. A campaign with rounds from before budgets starts with their
   * shares reserved (they had no bonus room), so the days they spent are not handed to later rounds.
   */
  const readLedger = async (campaignId: string) => (await send(new GetCommand({ TableName: T, Key: budgetLedgerKey(campaignId), ConsistentRead: true }))).Item?.reservedFen as number | undefined;
  const legacyReserved = async (campaignId: string) => (await store.rounds(campaignId)).reduce((sum, r) => sum + (r.snapshot.budget || r.unfunded ? 0 : r.snapshot.totalFen), 0);

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
        return (await putIf(table, item, 'attribute_not_exists(pk)')) && toRound(item);
      }
      const snapshot: RoundSnapshot = plan.budgetPlan ? { ...plan, budget: roundBudget(plan.budgetPlan, plan.shares, plan.shards, approvedFen) } : plan;
      try {
        await send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: T, Item: { ...key, snapshot, status: 'opening', openLeaseUntil: now + OPEN_LEASE_MS, openedAt: new Date(now).toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Update: { TableName: T, Key: budgetLedgerKey(plan.campaignId), UpdateExpression: 'SET reservedFen = :after', ConditionExpression: 'reservedFen = :before', ExpressionAttributeValues: { ':before': reserved, ':after': reserved + approvedFen } } },
            ],
          }),
        );
        return finishOpening(key, snapshot);
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        if (codes[0] === 'ConditionalCheckFailed') return false;
        // Another round of the campaign reserved meanwhile: read the ledger again.
      }
    }
    throw new Error(`campaign ${plan.campaignId}: could not reserve the budget of round ${plan.day}`);
  }

  const store: RoundStore = {
    async get(campaignId, day) {
      const out = await send(new GetCommand({ TableName: T, Key: roundKey(campaignId, day), ConsistentRead: true }));
      return out.Item ? toRound(out.Item) : undefined;
    },

    async open(plan, deadline) {
      return (await createRound(plan)) || waitForOpen(plan.campaignId, plan.day, deadline);
    },

    // Read only (a report or an edit must not write): before the ledger exists it is what the old rounds spent.
    reservedFen: async (campaignId) => (await readLedger(campaignId)) ?? legacyReserved(campaignId),

    async view(r, openid, dedupKey, memberDay) {
      const keys = [memberRoundKey(openid, r), memberDayKey(openid, memberDay), grabKey(openid, dedupKey), ...Array.from({ length: r.shards }, (_, s) => countKey(r, s))];
      const items = await batchGet(table, keys);
      const at = (k: { pk: string; sk: string }) => items.get(`${k.pk}|${k.sk}`);
      const mr = at(keys[0]!);
      const md = at(keys[1]!);
      const earlier = at(keys[2]!);
      return {
        memberRoundGrabs: (mr?.grabs as number | undefined) ?? 0,
        lastFen: mr?.lastFen as number | undefined,
        memberDayGrabs: (md?.grabs as number | undefined) ?? 0,
        freeByShard: Array.from({ length: r.shards }, (_, s) => {
          const c = at(countKey(r, s));
          return c ? (c.size as number) - (c.taken as number) - (c.returned as number) : 0;
        }),
        bonusLeftByShard: Array.from({ length: r.shards }, (_, s) => (at(countKey(r, s))?.bonusLeftFen as number | undefined) ?? 0),
        earlier: earlier ? { reply: earlier.reply as string | undefined, amountFen: earlier.amountFen as number } : undefined,
      } satisfies GrabView;
    },

    async freeShares(r, shard, limit) {
      // Shares held by another grab are left out: trying them would only be a failed write.
      const out = await send(
        new QueryCommand({
          TableName: T,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          FilterExpression: 'attribute_not_exists(lockedBy) OR lockedUntil < :now',
          ExpressionAttributeValues: { ':pk': shardPk(r, shard), ':p': 'FREE#', ':now': clock.now() },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map((i) => i.index as number);
    },

    async claim(c, limits): Promise<ClaimResult> {
      const r = c.round;
      const payFen = c.amountFen + c.bonusFen;
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        { Delete: { TableName: T, Key: shareKey(r, 'FREE', c.index), ConditionExpression: 'lockedBy = :me', ExpressionAttributeValues: { ':me': lockHolder(c.dedupKey) } } },
        { Put: { TableName: T, Item: { ...shareKey(r, 'TAKEN', c.index), index: c.index, openid: c.openid, amountFen: c.amountFen, bonusFen: c.bonusFen, at: c.at, payoutRef: c.payoutRef } } },
        { Update: { TableName: T, Key: countKey(r, shardOf(c.index, r.shards)), ...takeFromCounter(c) } },
        {
          Update: {
            TableName: T,
            Key: memberRoundKey(c.openid, r),
            // The share indexes let an erasure find the member's shares (lib/privacy).
            UpdateExpression: 'ADD grabs :one, shareIndexes :idx SET lastFen = :fen, campaignId = :c, #d = :d',
            ConditionExpression: 'attribute_not_exists(grabs) OR grabs < :limit',
            ExpressionAttributeNames: { '#d': 'day' },
            ExpressionAttributeValues: { ':one': 1, ':idx': new Set([c.index]), ':fen': payFen, ':c': r.campaignId, ':d': r.day, ':limit': limits.perRound },
          },
        },
        {
          Update: {
            TableName: T,
            Key: memberDayKey(c.openid, c.memberDay),
            UpdateExpression: 'ADD grabs :one SET expiresAt = :exp',
            ConditionExpression: 'attribute_not_exists(grabs) OR grabs < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': limits.perDay, ':exp': Math.floor(Date.parse(c.at) / 1000) + KEEP_GRAB_RECORDS_S },
          },
        },
        {
          Put: {
            TableName: T,
            Item: { ...grabKey(c.openid, c.dedupKey), campaignId: r.campaignId, day: r.day, index: c.index, amountFen: payFen, at: c.at, expiresAt: Math.floor(Date.parse(c.at) / 1000) + KEEP_GRAB_RECORDS_S },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...payoutItems(T, c, payFen),
      ];
      try {
        await send(new TransactWriteCommand({ TransactItems: items }));
        return 'claimed';
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) {
          if ((err as { name?: string }).name === 'TransactionConflictException') return 'share-gone';
          throw err;
        }
        if (codes[5] === 'ConditionalCheckFailed') return 'duplicate';
        if (codes[3] === 'ConditionalCheckFailed') return 'round-limit';
        if (codes[4] === 'ConditionalCheckFailed') return 'day-limit';
        if (codes[2] === 'ConditionalCheckFailed' && codes[0] !== 'ConditionalCheckFailed') return 'bonus-short';
        // The share went to someone else, or another transaction touched it at the same moment.
        return 'share-gone';
      }
    },

    async bonusLeft(r, shard) {
      const out = await send(new GetCommand({ TableName: T, Key: countKey(r, shard), ConsistentRead: true, ProjectionExpression: 'bonusLeftFen' }));
      return (out.Item?.bonusLeftFen as number | undefined) ?? 0;
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
      await send(new UpdateCommand({ TableName: T, Key: shareKey(r, 'FREE', index), UpdateExpression: 'REMOVE lockedBy, lockedUntil', ConditionExpression: 'lockedBy = :me', ExpressionAttributeValues: { ':me': lockHolder(holder) } })).catch((err: unknown) => {
        if (!isConditionFailure(err)) throw err;
      });
    },

    async counts(r) {
      const items = await batchGet(table, Array.from({ length: r.shards }, (_, s) => countKey(r, s)));
      let taken = 0;
      let returned = 0;
      for (const c of items.values()) {
        taken += c.taken as number;
        returned += c.returned as number;
      }
      return { taken, returned };
    },

    async saveReply(openid, dedupKey, reply) {
      await send(new UpdateCommand({ TableName: T, Key: grabKey(openid, dedupKey), UpdateExpression: 'SET reply = :r', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':r': reply } }));
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
        return toRound(out.Attributes!);
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async returnFreeShares(r) {
      for (const item of await acrossShards(r, 'FREE#')) {
        const i = item.index as number;
        await send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: T, Key: shareKey(r, 'FREE', i), ConditionExpression: 'attribute_exists(pk)' } },
              { Put: { TableName: T, Item: { ...shareKey(r, 'RETURNED', i), index: i, amountFen: r.shares[i] } } },
              { Update: { TableName: T, Key: countKey(r, shardOf(i, r.shards)), UpdateExpression: 'ADD returned :one, returnedFen :fen', ExpressionAttributeValues: { ':one': 1, ':fen': r.shares[i] } } },
            ],
          }),
        ).catch((err: unknown) => {
          if (!cancellationCodes(err)) throw err; // grabbed at the last moment: it is taken, not returned
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
              Key: countKey(r, s),
              UpdateExpression: 'SET bonusReturnedFen = if_not_exists(bonusReturnedFen, :zero) + bonusLeftFen, bonusLeftFen = :zero',
              ConditionExpression: 'attribute_exists(bonusLeftFen)',
              ExpressionAttributeValues: { ':zero': 0 },
              ReturnValues: 'ALL_NEW',
            }),
          ).catch((err: unknown) => {
            if (isConditionFailure(err)) return undefined; // a round from before budgets: no pool
            throw err;
          });
          return (out?.Attributes?.bonusReturnedFen as number | undefined) ?? 0;
        }),
      );
      return moved.reduce((a, b) => a + b, 0);
    },

    async bonusPool(r) {
      const items = await batchGet(table, Array.from({ length: r.shards }, (_, s) => countKey(r, s)));
      let leftFen = 0;
      let returnedFen = 0;
      for (const c of items.values()) {
        leftFen += (c.bonusLeftFen as number | undefined) ?? 0;
        returnedFen += (c.bonusReturnedFen as number | undefined) ?? 0;
      }
      return { leftFen, returnedFen };
    },

    async taken(r) {
      return (await acrossShards(r, 'TAKEN#')).map((i) => ({ index: i.index, openid: i.openid, amountFen: i.amountFen, bonusFen: i.bonusFen ?? 0, at: i.at, payoutRef: i.payoutRef }) as TakenShare);
    },
    async returned(r) {
      return (await acrossShards(r, 'RETURNED#')).map((i) => ({ index: i.index as number, amountFen: i.amountFen as number }));
    },
    async free(r) {
      return (await acrossShards(r, 'FREE#')).map((i) => ({ index: i.index as number, amountFen: i.amountFen as number }));
    },

    async finishClose(campaignId, day, result) {
      await send(
        new UpdateCommand({
          TableName: T,
          Key: roundKey(campaignId, day),
          UpdateExpression: 'SET #s = :closed, returnedFen = :ret, closedAt = :at' + (result.bestLuck ? ', bestLuck = :best' : '') + (result.prize ? ', prize = :prize' : '') + ' REMOVE closeLeaseUntil',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':closed': 'closed', ':ret': result.returnedFen, ':at': result.closedAt, ...(result.bestLuck ? { ':best': result.bestLuck } : {}), ...(result.prize ? { ':prize': result.prize } : {}) },
        }),
      );
    },

    async claimPrizeNotice(campaignId, day) {
      try {
        await send(new UpdateCommand({ TableName: T, Key: roundKey(campaignId, day), UpdateExpression: 'SET prizeNoticeClaimedAt = :now', ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(prizeNoticeClaimedAt)', ExpressionAttributeValues: { ':now': new Date(clock.now()).toISOString() } }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async rounds(campaignId) {
      return (await queryPartition(table, `RPROUNDS#${campaignId}`, { consistent: true })).map(toRound);
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
function payoutItems(T: string, c: Claim, payFen: number) {
  const r = c.round;
  if (r.payoutMode === 'wallet') {
    return [
      // The last credit is indexed by time, for "wallet balance unclaimed" notices (lib/reengage).
      { Update: { TableName: T, Key: walletKey(c.openid), UpdateExpression: 'ADD balanceFen :fen, creditedFen :fen SET updatedAt = :at, openid = :o, gsi1pk = :ek, gsi1sk = :es', ExpressionAttributeValues: { ':fen': payFen, ':at': c.at, ':o': c.openid, ...eventValues(serviceEventIndex('WALLETCREDIT', c.openid, c.at)) } } },
      { Put: { TableName: T, Item: { ...walletEntryKey(c.openid, c.at, c.payoutRef), deltaFen: payFen, reason: 'redpacket', ref: c.payoutRef, campaignId: r.campaignId, day: r.day, at: c.at }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ];
  }
  return [
    {
      Put: {
        TableName: T,
        Item: { ...payoutKey(c.payoutRef), ref: c.payoutRef, mode: r.payoutMode, openid: c.openid, amountFen: payFen, campaignId: r.campaignId, campaignName: r.name, day: r.day, state: 'pending', attempts: 0, createdAt: c.at, updatedAt: c.at, gsi1pk: OPEN_PAYOUTS, gsi1sk: c.at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

const eventValues = (i: { gsi1pk: string; gsi1sk: string }) => ({ ':ek': i.gsi1pk, ':es': i.gsi1sk });
