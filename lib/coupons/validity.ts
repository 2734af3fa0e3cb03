import { businessDay, wallClockFormatter } from '../clock/timeZone';

/**
 * How long a coupon is valid, computed in the account's time zone and returned as UTC instants.
 * Every end is the last millisecond of a local day (local 23:59:59.999), inclusive.
 */
export type Validity = { type: 'endOfWeek' } | { type: 'days'; days: number } | { type: 'fixed'; from: string; to: string };

export interface ValidityWindow {
  /** UTC ISO instant from which the coupon can be redeemed (inclusive). */
  validFrom: string;
  /** UTC ISO instant until which the coupon can be redeemed (inclusive): a local 23:59:59.999. */
  validUntil: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The wall clock in the zone at this instant, `YYYY-MM-DDTHH:MM:SS.mmm` (no offset). */
export function localWallClock(ms: number, timeZone: string): string {
  const p: Record<string, string> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${millis}`;
}

/** Local wall time minus UTC, in ms, at this instant. */
function offsetAt(ms: number, timeZone: string): number {
  const wall = localWallClock(ms, timeZone);
  return Date.parse(`${wall}Z`) - ms;
}

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** `YYYY-MM-DD` plus n calendar days. */
export function addDays(date: string, n: number): string {
  return new Date(utcMidnight(date) + n * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: Monday 1 … Sunday 7. */
export function isoWeekday(date: string): number {
  return ((new Date(utcMidnight(date)).getUTCDay() + 6) % 7) + 1;
}

/** The last millisecond whose local date in the zone is `date` (local 23:59:59.999, DST-safe). */
export function endOfLocalDay(date: string, timeZone: string): number {
  const next = utcMidnight(addDays(date, 1));
  // Fast path: next local midnight = next − offset (checked, since the offset may change that night).
  const guess = next - offsetAt(next - offsetAt(next, timeZone), timeZone);
  if (businessDay(guess, timeZone) > date && businessDay(guess - 1, timeZone) <= date) return guess - 1;
  // Slow path (a DST change at midnight): bisect; offsets lie within −12 h … +14 h.
  let lo = next - 15 * HOUR_MS;
  let hi = next + 15 * HOUR_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (businessDay(mid, timeZone) > date) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** The first millisecond of the local day `date` in the zone. */
export function startOfLocalDay(date: string, timeZone: string): number {
  return endOfLocalDay(addDays(date, -1), timeZone) + 1;
}

/**
 * - `endOfWeek`: from issue until Sunday 23:59:59.999 local of the ISO week (Monday–Sunday) the
 *   issue falls in, in the account's zone. Issued on a Sunday, it ends that same night.
 * - `days: N`: from issue until 23:59:59.999 local of the Nth business day, the issue day being day 1
 *   (`days: 1` = until tonight; `days: 30` issued Monday 2026-11-23 = until Tuesday 2026-12-22).
 * - `fixed`: from 00:00:00.000 local of `from` until 23:59:59.999 local of `to`, whenever issued.
 */
export function couponValidity(validity: Validity, issuedAtMs: number, timeZone: string): ValidityWindow {
  const iso = (ms: number) => new Date(ms).toISOString();
  const today = businessDay(issuedAtMs, timeZone);
  switch (validity.type) {
    case 'endOfWeek':
      return { validFrom: iso(issuedAtMs), validUntil: iso(endOfLocalDay(addDays(today, 7 - isoWeekday(today)), timeZone)) };
    case 'days':
      return { validFrom: iso(issuedAtMs), validUntil: iso(endOfLocalDay(addDays(today, validity.days - 1), timeZone)) };
    case 'fixed':
      return { validFrom: iso(startOfLocalDay(validity.from, timeZone)), validUntil: iso(endOfLocalDay(validity.to, timeZone)) };
  }
}
