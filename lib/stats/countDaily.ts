import { businessDay } from '../clock/timeZone';
import { describeError, log } from '../observability/log';
import type { Counter, StatsStore } from './dailyStats';

/**
 * A hook that adds to one of the daily numbers for the business day of `nowMs`. The numbers are
 * counted as things happen; a failure is logged, never passed on to the follower's reply.
 */
export function dailyCounter(stats: StatsStore, timeZone: string, counter: Counter) {
  return async (openid: string, amount: number, nowMs: number): Promise<void> => {
    await stats
      .add(businessDay(nowMs, timeZone), { [counter]: amount }, openid)
      .catch((err: unknown) => log.warn('daily numbers: counting failed', { counter, ...describeError(err) }));
  };
}
