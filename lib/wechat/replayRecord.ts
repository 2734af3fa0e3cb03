import { createHash } from 'node:crypto';
import { describeError, log } from '../observability/log';
import type { Opened, Refusal } from './callback';

/**
 * What a signed query (timestamp + nonce) was used for before: nothing, the same push (WeChat
 * retrying a push it got no answer for, with the same query), or another push (a captured query
 * replayed with a body of the attacker's choosing: in plain mode the signature does not cover the body).
 */
export type QueryUse = 'first' | 'same-push' | 'other-push';

/** Remembers each signed query for the replay window; a port, so the rule below runs without AWS. */
export interface ReplayRecord {
  /** Records that `timestamp`+`nonce` carried the push whose hash is `pushHash`, kept until `keepUntilS` (epoch seconds). */
  use(query: { timestamp: string; nonce: string }, pushHash: string, keepUntilS: number, signal: AbortSignal): Promise<QueryUse>;
}

export interface ReplayCheckOptions {
  /** The callback's replay window (the record must outlive it). */
  replayWindowSeconds: number;
  /** The record sits on the reply path: past this, the push goes on without it. */
  timeoutMs: number;
}

/** Short: DynamoDB answers a conditional put in milliseconds; the rest of the callback's budget is for the reply. */
export const REPLAY_CHECK_TIMEOUT_MS = 300;
/** Beyond the window, for clocks that differ a little between containers. */
const KEEP_MARGIN_S = 60;

/**
 * A signed query is good for one push. A second use with the same push (by hash of its plaintext,
 * so a re-encrypted retry counts as the same push) passes on to dedup; with another push it is
 * refused with 401.
 *
 * When the record cannot be reached in time (timeout, throttling, an outage) the push goes on:
 * refusing would show the follower WeChat's error notice for our fault, while the signature and
 * window are already checked and dedup still stops a second effect of the same push. What is lost
 * for that moment is only the refusal of a captured plain-mode query carrying another body.
 */
export async function checkReplay(
  record: ReplayRecord,
  opened: Opened,
  opts: ReplayCheckOptions,
): Promise<{ ok: true; use: QueryUse | 'unchecked' } | Refusal> {
  const pushHash = createHash('sha256').update(opened.plaintext, 'utf8').digest('hex');
  const keepUntilS = Number(opened.timestamp) + opts.replayWindowSeconds + KEEP_MARGIN_S;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`replay record: no answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
  });
  try {
    const use = await Promise.race([record.use({ timestamp: opened.timestamp, nonce: opened.nonce }, pushHash, keepUntilS, abort.signal), timedOut]);
    if (use === 'other-push') return { ok: false, status: 401, error: 'this signed query was already used for another push' };
    return { ok: true, use };
  } catch (err) {
    log.warn('replay record unavailable; push checked by signature and window only', describeError(err));
    return { ok: true, use: 'unchecked' };
  } finally {
    clearTimeout(timer);
  }
}
