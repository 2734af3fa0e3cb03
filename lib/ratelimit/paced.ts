import type { RateLimiter } from './rateLimiter';

type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : T[K] };

/** The same client whose every async method first waits for one slot of a shared rate. */
export function paced<T extends object>(client: T, limiter: RateLimiter): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(client)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            await limiter.take();
            return (value as (...a: unknown[]) => Promise<unknown>).apply(client, args);
          }
        : value;
  }
  return wrapped as AsyncMethods<T> as T;
}
