import { businessDay } from '../clock/timeZone';

/**
 * Points expire in lots: every point earned belongs to the lot of its expiry day, spending takes the
 * lots that expire first, and on an expiry day what is left of that lot is written off.
 */
export type ExpiryPolicy =
  | { type: 'never' }
  /** Points earned in 2026 expire at the end of 2027-12-31 (the common Chinese retail rule). */
  | { type: 'endOfNextYear' }
  | { type: 'days'; days: number };

export const DEFAULT_EXPIRY_POLICY: ExpiryPolicy = { type: 'endOfNextYear' };

/** Lots are keyed by the business day after which they are gone; this key never comes. */
export const NEVER = '9999-12-31';

export type Lots = Record<string, number>;

export function expiryDayFor(policy: ExpiryPolicy, nowMs: number, timeZone: string): string {
  const today = businessDay(nowMs, timeZone);
  switch (policy.type) {
    case 'never':
      return NEVER;
    case 'endOfNextYear':
      return `${Number(today.slice(0, 4)) + 1}-12-31`;
    case 'days': {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + policy.days);
      return d.toISOString().slice(0, 10);
    }
  }
}

/** Earning adds to the lot of `expiryDay`; spending (or expiring) takes from the earliest lots first. */
export function lotsAfter(lots: Lots, delta: number, expiryDay: string): Lots {
  const next: Lots = { ...lots };
  if (delta > 0) {
    next[expiryDay] = (next[expiryDay] ?? 0) + delta;
    return next;
  }
  let owed = -delta;
  for (const day of Object.keys(next).sort()) {
    if (owed === 0) break;
    const take = Math.min(owed, next[day]!);
    next[day]! -= take;
    owed -= take;
    if (next[day] === 0) delete next[day];
  }
  return next;
}

/** What is left of the lots that expire on or before `day`. */
export function expiredBy(lots: Lots, day: string): number {
  return Object.entries(lots).reduce((sum, [d, n]) => (d <= day ? sum + n : sum), 0);
}
