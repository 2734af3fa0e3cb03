import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A time by which an answer is due, in wall-clock milliseconds. The WeChat callback makes one when a
 * push arrives (WeChat gives up after 5 s and shows the follower its error notice) and hands it to
 * whatever can wait: loops that poll, the SDK clients (through `within`), the grab.
 */
export interface Deadline {
  /** Epoch milliseconds. */
  readonly atMs: number;
  remainingMs(): number;
  expired(): boolean;
  /** Aborted when the deadline passes, with a DeadlineExceeded as its reason. */
  readonly signal: AbortSignal;
  /** A deadline `ms` earlier: what is kept back for the steps that must still run afterwards. */
  less(ms: number): Deadline;
}

export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
  constructor(what = 'the deadline passed') {
    super(what);
  }
}

/** True for a DeadlineExceeded, and for an SDK or fetch abort caused by one. */
export function isDeadlineExceeded(err: unknown): boolean {
  for (let e = err as { name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.name === 'DeadlineExceeded') return true;
  }
  return false;
}

export function deadlineAt(atMs: number, now: () => number = Date.now): Deadline {
  // The signal (an AbortController and a timer) is made on first use only: most deadlines of a
  // push are met without anyone listening, and a timer per deadline, pending for seconds after the
  // push is answered, costs more than the work it guards.
  let controller: AbortController | undefined;
  const signal = () => {
    if (!controller) {
      const made = new AbortController();
      controller = made;
      const fire = () => made.abort(new DeadlineExceeded());
      const wait = atMs - now();
      if (wait <= 0) fire();
      else setTimeout(fire, wait).unref();
    }
    return controller.signal;
  };
  return {
    atMs,
    remainingMs: () => Math.max(0, atMs - now()),
    expired: () => now() >= atMs,
    get signal() {
      return signal();
    },
    less: (ms) => deadlineAt(atMs - ms, now),
  };
}

export function deadlineAfter(ms: number, now: () => number = Date.now): Deadline {
  return deadlineAt(now() + ms, now);
}

const ambient = new AsyncLocalStorage<Deadline>();

/**
 * The deadline of the work this call belongs to, if any. The DynamoDB and SQS clients read it, so
 * every request made for a push is aborted at the push's deadline, including requests made deep
 * in adapters that know nothing about it.
 */
export function currentDeadline(): Deadline | undefined {
  return ambient.getStore();
}

/**
 * Runs `work` under `deadline` and settles by then: with work's result, or with DeadlineExceeded.
 * Work still running at the deadline is not awaited; its storage and queue calls are aborted (and
 * new ones refused), so it cannot start another effect after we answered.
 */
export function within<T>(deadline: Deadline, work: () => Promise<T>): Promise<T> {
  const wait = deadline.remainingMs();
  if (wait <= 0) return Promise.reject(new DeadlineExceeded());
  // One timer of its own, cleared when the work settles, rather than a listener on the deadline's
  // signal: nothing outlives the call.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), wait);
  });
  const running = ambient.run(deadline, work);
  // The losing side of the race must not become an unhandled rejection.
  running.catch(() => undefined);
  return Promise.race([running, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs `work` outside any deadline: for work a push starts but must not bound (nor be bounded by),
 * such as a detached in-process step when no queue is configured.
 */
export function outsideDeadline<T>(work: () => T): T {
  return ambient.exit(work);
}

/**
 * Waits `ms`, cut short so that `needMs` are still left before the deadline. False when not even
 * that is left: no time to try again.
 */
export async function pauseWithin(deadline: Deadline | undefined, ms: number, needMs = 0): Promise<boolean> {
  const wait = deadline ? Math.min(ms, deadline.remainingMs() - needMs) : ms;
  if (wait <= 0) return false;
  await new Promise((r) => setTimeout(r, wait));
  return !deadline?.expired();
}

/** `signal` combined with the ambient deadline's, for a call that takes an AbortSignal. */
export function signalWithin(signal?: AbortSignal): AbortSignal | undefined {
  const d = currentDeadline();
  if (!d) return signal;
  return signal ? AbortSignal.any([signal, d.signal]) : d.signal;
}
