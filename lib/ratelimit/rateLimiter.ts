import type { Clock } from '../clock/clock';

/**
 * The shared state of one limit: the "theoretical arrival time" (tat) of GCRA, i.e. when the bucket
 * is next empty. `advance` is one atomic step: tat becomes max(tat, floor) + cost, and the old
 * max(tat, floor) (where the reservation starts) comes back. Atomic, so concurrent reservers never
 * race each other: each gets the next stretch of the bucket, whatever the crowd.
 */
export interface RateState {
  advance(name: string, floor: number, cost: number): Promise<number>;
}

export interface RateLimiterPorts {
  state: RateState;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

export interface Reservation {
  /** When the first of the reserved calls may go (ms). */
  startsAt: number;
  /** Milliseconds between two calls at the limit. */
  intervalMs: number;
}

/**
 * A token bucket shared by every worker, as GCRA over one stored number: a worker reserves `n`
 * calls in one atomic step, then makes call i at `startsAt + i·interval`. Concurrent workers never
 * get overlapping slots, so together they stay at the limit. `burst` calls may start at once after
 * an idle spell.
 */
export function createRateLimiter(ports: RateLimiterPorts, name: string, limit: () => Promise<{ perSecond: number; burst?: number }>) {
  async function reserve(n: number): Promise<Reservation> {
    const { perSecond, burst = 1 } = await limit();
    const intervalMs = 1000 / perSecond;
    // After an idle spell the bucket holds `burst` calls' credit, never more.
    const floor = ports.clock.now() - (burst - 1) * intervalMs;
    return { startsAt: await ports.state.advance(name, floor, n * intervalMs), intervalMs };
  }

  /** Waits for call `i` of a reservation. */
  async function waitFor(r: Reservation, i: number): Promise<void> {
    const wait = r.startsAt + i * r.intervalMs - ports.clock.now();
    if (wait > 0) await ports.sleep(wait);
  }

  /** One call's slot: reserve it and wait for it. */
  async function take(): Promise<void> {
    await waitFor(await reserve(1), 0);
  }

  return { reserve, waitFor, take };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
