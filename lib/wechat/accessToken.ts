import { signalWithin } from '../deadline/deadline';
import type { Clock } from '../clock/clock';
import { fail, ok, type ApiResult } from './apiResult';

export interface StoredToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  fetchedAt: number;
}

/** Where the one refresher writes the token and every other function reads it. */
export interface TokenStore {
  read(): Promise<StoredToken | undefined>;
  write(token: StoredToken): Promise<void>;
  /** A short lease so only one process forces a new token at a time. */
  tryLease(nowMs: number, leaseMs: number): Promise<boolean>;
}

export type FetchStableToken = (forceRefresh: boolean) => Promise<ApiResult<{ token: string; expiresIn: number }>>;

export interface HttpOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** POST /cgi-bin/stable_token: returns the same token until it nears expiry, so callers cannot stampede it. */
export function stableTokenFetcher(appId: string, appSecret: string, http: HttpOptions): FetchStableToken {
  const doFetch = http.fetch ?? fetch;
  return async (forceRefresh) => {
    try {
      const res = await doFetch(`${http.baseUrl}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: forceRefresh }),
        signal: signalWithin(AbortSignal.timeout(http.timeoutMs ?? 5000)),
      });
      if (res.status >= 500) return fail(-2, `HTTP ${res.status}`);
      const body = (await res.json()) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
      if (body.access_token && body.expires_in) return ok({ token: body.access_token, expiresIn: body.expires_in });
      return fail(body.errcode ?? -2, body.errmsg ?? 'no access_token in response');
    } catch (err) {
      return fail(-2, `network: ${(err as Error).name}`);
    }
  };
}

/** Refresh this long before expiry, so readers never hold a token that dies mid-call. */
const EARLY_MS = 10 * 60 * 1000;

export interface RefreshPorts {
  store: TokenStore;
  fetchToken: FetchStableToken;
  clock: Clock;
}

/**
 * The refresher use case. Without a stale token (the schedule) it fetches the stable token and
 * stores it. With the token a caller saw rejected, it first looks whether someone already stored a
 * newer one, and forces a new token only if WeChat still hands back the rejected one; a lease keeps
 * that force to one process.
 */
export async function refreshAccessToken(ports: RefreshPorts, staleToken?: string): Promise<ApiResult<StoredToken>> {
  const now = ports.clock.now();
  const stored = await ports.store.read();
  if (staleToken && stored && stored.token !== staleToken && stored.expiresAt > now + 60_000) return ok(stored);
  if (!staleToken && stored && stored.expiresAt - EARLY_MS > now) return ok(stored);
  let fetched = await ports.fetchToken(false);
  if (fetched.ok && staleToken && fetched.value.token === staleToken) {
    if (!(await ports.store.tryLease(now, 30_000))) {
      const again = await ports.store.read();
      return again && again.token !== staleToken ? ok(again) : fail(-1, 'another process is refreshing the token');
    }
    fetched = await ports.fetchToken(true);
  }
  if (!fetched.ok) return fetched;
  const token: StoredToken = { token: fetched.value.token, expiresAt: now + fetched.value.expiresIn * 1000, fetchedAt: now };
  await ports.store.write(token);
  return ok(token);
}

export interface TokenProvider {
  current(): Promise<string | undefined>;
  /** Called after a 40001/42001 with the token that failed; concurrent callers share one refresh. */
  refresh(staleToken: string): Promise<string | undefined>;
}

/**
 * Readers: memory first, then the store; a refresh goes to `requestRefresh` (the refresher Lambda in
 * AWS, the use case itself locally), one at a time per process.
 */
export function tokenProvider(store: TokenStore, clock: Clock, requestRefresh: (stale: string) => Promise<ApiResult<StoredToken>>): TokenProvider {
  let cached: StoredToken | undefined;
  let inflight: Promise<string | undefined> | undefined;
  const fresh = (t: StoredToken | undefined) => t && t.expiresAt > clock.now() + 30_000;
  return {
    async current() {
      if (fresh(cached)) return cached!.token;
      const t = await store.read();
      if (fresh(t)) {
        cached = t;
        return t!.token;
      }
      return this.refresh(t?.token ?? '');
    },
    refresh(stale) {
      inflight ??= requestRefresh(stale)
        .then((r) => {
          if (!r.ok) return undefined;
          cached = r.value;
          return r.value.token;
        })
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
  };
}
