import type { Clock } from '../clock/clock';

/**
 * Keeps a loaded value for `ttlMs` so a hot path reads configuration from memory, not from the
 * table, and shares one in-flight load between concurrent callers.
 */
export function cacheFor<T>(ttlMs: number, load: () => Promise<T>, clock: Clock): { get(): Promise<T>; invalidate(): void } {
  let value: { v: T; at: number } | undefined;
  let inflight: Promise<T> | undefined;
  return {
    async get() {
      if (value && clock.now() - value.at < ttlMs) return value.v;
      inflight ??= load()
        .then((v) => {
          value = { v, at: clock.now() };
          return v;
        })
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
    invalidate() {
      value = undefined;
    },
  };
}
