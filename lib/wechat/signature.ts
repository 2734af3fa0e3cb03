import { createHash, timingSafeEqual } from 'node:crypto';

/** WeChat's signature: sha1 over the lexically sorted parts, concatenated. */
export function signParts(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Constant-time comparison, so a forger learns nothing from how long a mismatch took. */
export function isSameSignature(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  // Lengths differ only for garbage input; compare against itself to keep the timing flat.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * The replay window: WeChat retries a push for about 15 s, so a timestamp further than the window
 * from our clock is either a replay or a broken clock; both are refused.
 */
export function isInsideReplayWindow(timestamp: string | undefined, nowMs: number, windowSeconds: number): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= windowSeconds;
}
