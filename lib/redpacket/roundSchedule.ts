import { localParts, parseHhMm } from '../clock/timeZone';

/** When a campaign's rounds run: one round a day between `daily.start` and `daily.end`, in `timezone`. */
export interface RoundSchedule {
  timezone: string;
  daily: { start: string; end: string };
  from: string;
  to: string;
}

export type RoundState =
  | { state: 'open'; roundId: string; day: string }
  | { state: 'not-started'; day: string; opensAt: string }
  | { state: 'ended'; day: string }
  | { state: 'outside-campaign'; day: string };

/**
 * Which round, if any, is open at `nowMs`. The round id is the business day in the campaign's zone,
 * so every function (grab, close, report) names the same round for the same moment.
 */
export function roundAt(schedule: RoundSchedule, nowMs: number): RoundState {
  const { date: day, minutesOfDay } = localParts(nowMs, schedule.timezone);
  if (day < schedule.from || day > schedule.to) return { state: 'outside-campaign', day };
  const start = parseHhMm(schedule.daily.start);
  const end = parseHhMm(schedule.daily.end);
  if (minutesOfDay < start) return { state: 'not-started', day, opensAt: schedule.daily.start };
  if (minutesOfDay >= end) return { state: 'ended', day };
  return { state: 'open', roundId: day, day };
}
