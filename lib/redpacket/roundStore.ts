import type { Deadline } from '../deadline/deadline';
import type { RoundSnapshot } from './round';

export type RoundStatus = 'opening' | 'open' | 'closing' | 'closed';

export interface StoredRound {
  snapshot: RoundSnapshot;
  status: RoundStatus;
  bestLuck?: BestLuck;
  returnedFen?: number;
  closedAt?: string;
  prize?: { couponCode?: string; notifiedBy?: 'custom' | 'template'; error?: string };
  /** The campaign total could no longer afford the round's shares and prize: it never opened. */
  unfunded?: boolean;
}

export interface BestLuck {
  openid: string;
  amountFen: number;
  index: number;
  at: string;
}

/** What one grab needs to know before it tries: the member's counts and the free shares per shard. */
export interface GrabView {
  memberRoundGrabs: number;
  lastFen?: number;
  memberDayGrabs: number;
  freeByShard: number[];
  /** The bonus pool each shard has left (0 on rounds opened before budgets existed). */
  bonusLeftByShard: number[];
  /** This very push was answered before (a retry after a crash): the stored answer. */
  earlier?: { reply?: string; amountFen: number };
}

export interface Claim {
  round: RoundSnapshot;
  index: number;
  openid: string;
  amountFen: number;
  bonusFen: number;
  at: string;
  dedupKey: string;
  /** The member's day, in the campaign's zone (per-day limits count across campaigns). */
  memberDay: string;
  /** The payout reference: `out_bill_no` / `mch_billno` for transfer and redpack, the ledger reference for wallet. */
  payoutRef: string;
}

/** `bonus-short`: the share's shard has less bonus left than the claim asked for; nothing was written. */
export type ClaimResult = 'claimed' | 'share-gone' | 'round-limit' | 'day-limit' | 'duplicate' | 'bonus-short';

export interface TakenShare {
  index: number;
  openid: string;
  amountFen: number;
  bonusFen: number;
  at: string;
  payoutRef: string;
}

export interface RoundStore {
  get(campaignId: string, day: string): Promise<StoredRound | undefined>;
  /**
   * Creates the round from `plan` (if nobody has) and makes sure every share is laid out; idempotent
   * and safe to run twice at once. The round reserves its budget from the campaign total in the same
   * write that creates it; a round the total can no longer afford is stored closed and `unfunded`.
   * While another opener lays it out, waits at most until `deadline` (then the round comes back
   * still `opening`).
   */
  open(plan: RoundSnapshot, deadline?: Deadline): Promise<StoredRound>;
  /** What the campaign's rounds reserved from its total so far (rounds from before budgets count their shares). */
  reservedFen(campaignId: string): Promise<number>;
  view(round: RoundSnapshot, openid: string, dedupKey: string, memberDay: string): Promise<GrabView>;
  freeShares(round: RoundSnapshot, shard: number, limit: number): Promise<number[]>;
  /**
   * Holds a free share for this push for a few seconds: a cheap single-item write, so a crowd loses
   * on it instead of on the transaction. The transaction then requires the hold.
   */
  lock(round: RoundSnapshot, index: number, holder: string, nowMs: number): Promise<boolean>;
  unlock(round: RoundSnapshot, index: number, holder: string): Promise<void>;
  /**
   * One transaction: the share, the member's round and day counts, the push's record, and the payout
   * (wallet credit or payout order). A bonus is taken from the shard's pool under a condition that
   * the pool holds it (`bonus-short` otherwise), so no grab pays beyond the round's budget.
   */
  claim(c: Claim, limits: { perRound: number; perDay: number }): Promise<ClaimResult>;
  /** The bonus pool a shard has left (strongly consistent). */
  bonusLeft(round: RoundSnapshot, shard: number): Promise<number>;
  /** Shares taken and returned so far (strongly consistent). */
  counts(round: RoundSnapshot): Promise<{ taken: number; returned: number }>;
  saveReply(openid: string, dedupKey: string, reply: string): Promise<void>;
  /** Moves the round to `closing`; false if it is already closing or closed by someone else. */
  beginClose(campaignId: string, day: string): Promise<StoredRound | undefined>;
  /** Turns every still-free share into a returned one; the fen returned. */
  returnFreeShares(round: RoundSnapshot): Promise<number>;
  /** Moves every shard's unused bonus pool to returned; the fen returned over all runs. */
  returnBonus(round: RoundSnapshot): Promise<number>;
  /** The bonus pool left and returned, summed over the shards' counters. */
  bonusPool(round: RoundSnapshot): Promise<{ leftFen: number; returnedFen: number }>;
  taken(round: RoundSnapshot): Promise<TakenShare[]>;
  returned(round: RoundSnapshot): Promise<{ index: number; amountFen: number }[]>;
  free(round: RoundSnapshot): Promise<{ index: number; amountFen: number }[]>;
  /** Records the round closed, with its prize in the same write (so the report never sees a closed round whose given prize is missing). */
  finishClose(
    campaignId: string,
    day: string,
    result: { bestLuck?: BestLuck; returnedFen: number; closedAt: string; prize?: StoredRound['prize'] },
  ): Promise<void>;
  /**
   * The luckiest grabber is told at most once: true for the first closer to ask, false for one that
   * takes over from a closer that died (which may already have told them).
   */
  claimPrizeNotice(campaignId: string, day: string): Promise<boolean>;
  rounds(campaignId: string): Promise<StoredRound[]>;
}
