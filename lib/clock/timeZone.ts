/**
 * Business days and times of day in the account's time zone. Times are stored in UTC; only the
 * questions "which day is it there" and "what time is it there" use the zone.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall clock to the second, one formatter per zone (making one costs more than using it). */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  date: string; // YYYY-MM-DD
  minutesOfDay: number;
}

// Formatting is slow (tens of µs) and every message asks for "now": one answer per zone and minute.
const lastMinute = new Map<string, { minute: number; parts: LocalParts }>();

export function localParts(nowMs: number, timeZone: string): LocalParts {
  const minute = Math.floor(nowMs / 60_000);
  const hit = lastMinute.get(timeZone);
  if (hit && hit.minute === minute) return hit.parts;
  const parts = formatParts(nowMs, timeZone);
  lastMinute.set(timeZone, { minute, parts });
  return parts;
}

function formatParts(nowMs: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of wallClockFormatter(timeZone).formatToParts(new Date(nowMs))) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutesOfDay: Number(parts.hour) * 60 + Number(parts.minute) };
}

export function businessDay(nowMs: number, timeZone: string): string {
  return localParts(nowMs, timeZone).date;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    wallClockFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function parseHhMm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + m!;
}

/** Inside [start, end) in local time; a window whose end is before its start wraps past midnight. */
export function isWithinDailyWindow(nowMs: number, timeZone: string, start: string, end: string): boolean {
  const t = localParts(nowMs, timeZone).minutesOfDay;
  const s = parseHhMm(start);
  const e = parseHhMm(end);
  return s <= e ? t >= s && t < e : t >= s || t < e;
}
