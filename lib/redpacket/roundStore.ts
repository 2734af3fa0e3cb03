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

export type ClaimResult = 'claimed' | 'share-gone' | 'round-limit' | 'day-limit' | 'duplicate';

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
   * and safe to run twice at once. While another opener lays it out, waits at most until `deadline`
   * (then the round comes back still `opening`).
   */
  open(plan: RoundSnapshot, deadline?: Deadline): Promise<StoredRound>;
  view(round: RoundSnapshot, openid: string, dedupKey: string, memberDay: string): Promise<GrabView>;
  freeShares(round: RoundSnapshot, shard: number, limit: number): Promise<number[]>;
  /**
   * Holds a free share for this push for a few seconds: a cheap single-item write, so a crowd loses
   * on it instead of on the transaction. The transaction then requires the hold.
   */
  lock(round: RoundSnapshot, index: number, holder: string, nowMs: number): Promise<boolean>;
  unlock(round: RoundSnapshot, index: number, holder: string): Promise<void>;
  /** One transaction: the share, the member's round and day counts, the push's record, and the payout (wallet credit or payout order). */
  claim(c: Claim, limits: { perRound: number; perDay: number }): Promise<ClaimResult>;
  /** Shares taken and returned so far (strongly consistent). */
  counts(round: RoundSnapshot): Promise<{ taken: number; returned: number }>;
  saveReply(openid: string, dedupKey: string, reply: string): Promise<void>;
  /** Moves the round to `closing`; false if it is already closing or closed by someone else. */
  beginClose(campaignId: string, day: string): Promise<StoredRound | undefined>;
  /** Turns every still-free share into a returned one; the fen returned. */
  returnFreeShares(round: RoundSnapshot): Promise<number>;
  taken(round: RoundSnapshot): Promise<TakenShare[]>;
  returned(round: RoundSnapshot): Promise<{ index: number; amountFen: number }[]>;
  free(round: RoundSnapshot): Promise<{ index: number; amountFen: number }[]>;
  finishClose(campaignId: string, day: string, result: { bestLuck?: BestLuck; returnedFen: number; closedAt: string }): Promise<void>;
  recordPrize(campaignId: string, day: string, prize: NonNullable<StoredRound['prize']>): Promise<void>;
  /**
   * The luckiest grabber is told at most once: true for the first closer to ask, false for one that
   * takes over from a closer that died (which may already have told them).
   */
  claimPrizeNotice(campaignId: string, day: string): Promise<boolean>;
  rounds(campaignId: string): Promise<StoredRound[]>;
}
