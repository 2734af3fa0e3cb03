import type { Follower } from './state';

/**
 * How many customer-service messages a follower's interaction allows (WeChat's 45047 past them):
 * 5 within 48 hours of a message the follower sends, 3 within a minute of a menu click, a follow or
 * a scan. A new message from the follower starts the count again.
 */
export const AFTER_MESSAGE = { messages: 5, forMs: 48 * 3600 * 1000 };
export const AFTER_EVENT = { messages: 3, forMs: 60 * 1000 };

/** The follower wrote (`message`) or clicked, followed or scanned (`event`) at `now`. */
export function grantAllowance(f: Follower, kind: 'message' | 'event', now: number): void {
  if (kind === 'message') {
    f.allowances = { afterMessage: { left: AFTER_MESSAGE.messages, until: now + AFTER_MESSAGE.forMs } };
    return;
  }
  f.allowances = { ...f.allowances, afterEvent: { left: AFTER_EVENT.messages, until: now + AFTER_EVENT.forMs } };
}

/** Spends one message of what the follower's interactions allow (the event's minute first); false when nothing is left. */
export function spendAllowance(f: Follower, now: number): boolean {
  const a = f.allowances;
  for (const allowance of [a?.afterEvent, a?.afterMessage]) {
    if (allowance && now <= allowance.until && allowance.left > 0) {
      allowance.left--;
      return true;
    }
  }
  return false;
}
