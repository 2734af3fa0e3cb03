import type { Clock } from '../clock/clock';

/**
 * The shared state of one limit: the "theoretical arrival time" of GCRA, i.e. when the bucket is
 * next empty. `swap` writes `next` only if the stored value is still `expected` (undefined = none).
 */
export interface RateState {
  read(name: string): Promise<number | undefined>;
  swap(name: string, expected: number | undefined, next: number): Promise<boolean>;
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
 * calls in one conditional write, then makes call i at `startsAt + i·interval`. Concurrent workers
 * never get overlapping slots, so together they stay at the limit. `burst` calls may start at once
 * after an idle spell.
 */
export function createRateLimiter(ports: RateLimiterPorts, name: string, limit: () => Promise<{ perSecond: number; burst?: number }>) {
  async function reserve(n: number): Promise<Reservation> {
    const { perSecond, burst = 1 } = await limit();
    const intervalMs = 1000 / perSecond;
    for (let attempt = 0; ; attempt++) {
      const tat = await ports.state.read(name);
      const now = ports.clock.now();
      const startsAt = Math.max(tat ?? 0, now - (burst - 1) * intervalMs);
      if (await ports.state.swap(name, tat, startsAt + n * intervalMs)) return { startsAt, intervalMs };
      if (attempt > 50) throw new Error(`rate limiter ${name}: too much contention`);
    }
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
