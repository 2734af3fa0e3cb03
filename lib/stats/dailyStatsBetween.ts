import { daysBetween, toDayNumbers, type DayNumbers, type StatsStore } from './dailyStats';

/** The answer of GET /admin/stats/daily. */
export interface DailyStatsResponse {
  from: string;
  to: string;
  days: DayNumbers[];
}

/** Every day's numbers from `from` to `to` (YYYY-MM-DD), a day without any as zeros. */
export async function dailyStatsBetween(ports: { stats: StatsStore }, from: string, to: string): Promise<DailyStatsResponse> {
  const days = daysBetween(from, to);
  const raw = await ports.stats.read(days);
  return { from, to, days: days.map((d) => toDayNumbers(d, raw.get(d))) };
}
