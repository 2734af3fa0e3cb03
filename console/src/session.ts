/**
 * The signed-in session, in this tab's sessionStorage only (never localStorage, never the URL):
 * a person's id token with its refresh token and expiry, or the break-glass token (no expiry).
 */
export interface StoredSession {
  /** What the console sends as `authorization: Bearer …`. */
  token: string;
  refreshToken?: string;
  /** When the id token expires (ms since the epoch); absent for the break-glass token. */
  expiresAt?: number;
  via: 'account' | 'break-glass';
}

const KEY = 'console.session';

/** `expiresAt` as the API sends it (an ISO time, or seconds / ms since the epoch) → ms. */
export function expiryMs(expiresAt: string | number): number {
  if (typeof expiresAt === 'number') return expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
  return Date.parse(expiresAt);
}

/**
 * When the id token expires by this tab's clock: now + the token's own lifetime (exp − iat), so a
 * clock that differs from the server's neither ends the session early nor refreshes in a loop; the
 * API's `expiresAt` when the token does not say.
 */
export function localExpiry(idToken: string, expiresAt: string | number): number {
  try {
    const payload = JSON.parse(atob((idToken.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown; iat?: unknown };
    if (typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp > payload.iat) return Date.now() + (payload.exp - payload.iat) * 1000;
  } catch {
    // not a JWT we can read: the API's word
  }
  return expiryMs(expiresAt);
}

export const session = {
  get(): StoredSession | null {
    try {
      const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as StoredSession | null;
      return s && typeof s.token === 'string' ? s : null;
    } catch {
      return null;
    }
  },
  token: (): string | null => session.get()?.token ?? null,
  save: (s: StoredSession) => sessionStorage.setItem(KEY, JSON.stringify(s)),
  clear: () => sessionStorage.removeItem(KEY),
};
