import type { Member } from '../members/member';
import type { SkipReason, Touch } from './broadcast';

/** One member's state in one broadcast. Final states never change; `claimed` and `retry` do. */
export type DeliveryRecord =
  | { state: 'claimed'; token: string; claimedAt: number; attempts: number; channel: SendChannel }
  | { state: 'retry'; attempts: number; errcode: number }
  | { state: 'sent'; channel: SendChannel; msgid?: string; at: string; delivered?: string }
  | { state: 'skipped'; reason: SkipReason; at?: string }
  | { state: 'failed'; errcode: number; errmsg: string; at?: string };

export type SendChannel = 'custom' | 'template' | 'mass';

export const isFinal = (r: DeliveryRecord | undefined) => !!r && r.state !== 'claimed' && r.state !== 'retry';

export interface ChunkFacts {
  records: Map<string, DeliveryRecord>;
  members: Map<string, Member>;
  /** Touches of the months asked for, per openid. */
  touches: Map<string, Touch[]>;
}

/** What a worker decided for one member; `claimed` says whether it holds the member's claim. */
export type Outcome = { openid: string; claimed: boolean } & (
  | { state: 'sent'; channel: SendChannel; msgid?: string }
  | { state: 'skipped'; reason: SkipReason }
  | { state: 'failed'; errcode: number; errmsg: string }
  | { state: 'retry'; errcode: number; attempts: number }
);

export interface ChunkRef {
  broadcastId: string;
  shard: number;
}

export interface DeliveryStore {
  read(chunk: ChunkRef, openids: readonly string[], touchMonths: readonly string[]): Promise<ChunkFacts>;
  /**
   * Claims members for sending: only those with no record, a `retry` record, or a claim older than
   * the lease. Returns the openids claimed; the others are someone else's now.
   */
  claim(
    chunk: ChunkRef,
    openids: readonly { openid: string; channel: SendChannel; attempts: number }[],
    token: string,
    nowMs: number,
    leaseMs: number,
    month: string,
  ): Promise<string[]>;
  /**
   * Writes the outcomes (which are also the member's touches) and the counters in one transaction,
   * so a crash leaves either all of them or none. An outcome whose member was settled or claimed by
   * another worker meanwhile is dropped, so nothing counts twice.
   */
  finish(
    chunk: ChunkRef,
    outcomes: readonly Outcome[],
    token: string,
    ctx: { nowMs: number; leaseMs: number; month: string; massMsgid?: string },
  ): Promise<void>;
  /** 43004 / 40003: remember it on the member so nothing is sent to them again. */
  flagMember(openid: string, flag: 'unsubscribed' | 'invalid-openid', nowMs: number): Promise<void>;
  /**
   * TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH: counts a delivery report once. A template notice is
   * found through the touches of the member it went to (`months`: this local month and the last).
   * A report about a send not settled yet is `parked` and counted by the settle (`finish`).
   */
  recordJobFinished(
    report: { msgid: string; openid: string; months: readonly string[]; ok: number; failed: number; status: string },
    nowMs: number,
  ): Promise<'counted' | 'parked' | 'already'>;
  /** The counters summed over the shards. */
  counters(broadcastId: string): Promise<Record<string, number>>;
}
