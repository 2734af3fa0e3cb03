import { localParts, parseHhMm } from '../clock/timeZone';
import type { HandoffSettings } from './handoff';

/** ISO weekday (1 = Monday … 7 = Sunday) of a local date `YYYY-MM-DD`. */
function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * Inside the service hours in the account's time zone: on one of the days, from `from` up to (not
 * including) `to`. A window whose end is before its start runs past midnight and belongs to the day
 * it starts on (Friday 22:00–02:00 covers Saturday 01:00).
 */
export function isInsideServiceHours(hours: HandoffSettings['serviceHours'], nowMs: number, timeZone: string): boolean {
  const { date, minutesOfDay: t } = localParts(nowMs, timeZone);
  const from = parseHhMm(hours.from);
  const to = parseHhMm(hours.to);
  const day = isoWeekday(date);
  if (from <= to) return hours.days.includes(day) && t >= from && t < to;
  const yesterday = day === 1 ? 7 : day - 1;
  return (hours.days.includes(day) && t >= from) || (hours.days.includes(yesterday) && t < to);
}
