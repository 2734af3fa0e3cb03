import { currentDeadline, signalWithin } from './deadline';

/** The parts of the AWS SDK's retry protocol (RetryStrategyV2) we implement. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
type RetryErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Full-jitter exponential backoff: a random wait up to base·2^retry, at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A retry is only worth it with this much time left after its backoff. */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1000, minAttemptMs: 150 };

const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });

/**
 * The SDK's retries (throttling, timeouts, 5xx, dropped connections), short, and never past the
 * deadline of the work they serve: a retry whose backoff would leave less than `minAttemptMs`
 * before the deadline is not made, so the caller gets the real error (a throttle, a timeout) in
 * time to answer instead of an abort at the last moment.
 */
export function retryWithinDeadline(policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random) {
  return {
    mode: 'standard',
    async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
      return token(0, 0);
    },
    async refreshRetryTokenForRetry(previous: RetryToken, info: { errorType: RetryErrorType }): Promise<RetryToken> {
      const retries = previous.getRetryCount() + 1;
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (!retryable || retries >= policy.maxAttempts) throw new Error('no retry: not retryable or attempts used up');
      const delay = Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retries));
      const deadline = currentDeadline();
      if (deadline && deadline.remainingMs() < delay + policy.minAttemptMs) throw new Error('no retry: the deadline is too close');
      return token(retries, delay);
    },
    recordSuccess(_token: RetryToken): void {},
  };
}

/** SDK HTTP settings: the request handler's timeouts (and a timeout that fails the request instead of only warning). */
export interface HttpTimeouts {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export function requestHandlerOptions(t: HttpTimeouts) {
  return { connectionTimeout: t.connectTimeoutMs, requestTimeout: t.requestTimeoutMs, throwOnRequestTimeout: true };
}

type SendOptions = { abortSignal?: AbortSignal; requestTimeout?: number };
type Sender = { send: (command: never, options?: SendOptions) => Promise<unknown> };

/**
 * Makes an SDK client's `send` honour the ambient deadline (see `within`): a request made for a push
 * is aborted when the push's deadline passes, one started after it is refused at once, and each
 * attempt may take at most `attemptTimeoutMs` (so a stuck request leaves time for a retry). Outside
 * a deadline the client's own timeouts apply.
 */
export function boundByDeadline<C extends Sender>(client: C, opts: { attemptTimeoutMs: number }): C {
  const send = client.send.bind(client) as (command: unknown, options?: SendOptions) => Promise<unknown>;
  const bounded = (command: unknown, options?: SendOptions) => {
    const deadline = currentDeadline();
    if (!deadline) return send(command, options);
    const requestTimeout = Math.max(1, Math.min(options?.requestTimeout ?? opts.attemptTimeoutMs, deadline.remainingMs()));
    return send(command, { ...options, abortSignal: signalWithin(options?.abortSignal), requestTimeout });
  };
  client.send = bounded as unknown as C['send'];
  return client;
}
