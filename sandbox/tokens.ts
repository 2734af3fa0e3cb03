import { randomBytes } from 'node:crypto';
import type { ErrCode } from './wechat-errors';

/**
 * access_token issuing as WeChat does it. Two separate lineages (WeChat keeps them isolated):
 * - `/cgi-bin/token`: every fetch issues a new token; the previous ones stop working 5 minutes later.
 * - `/cgi-bin/stable_token`: the same token comes back until it has 5 minutes or less left; then a
 *   new one, while the old one lives out its last minutes. `force_refresh` kills the old one at once.
 */
export const TOKEN_TTL_S = 7200;
export const GRACE_MS = 5 * 60 * 1000;

interface IssuedToken {
  value: string;
  lineage: 'token' | 'stable';
  issuedAt: number;
  expiresAt: number;
  /** Set when a newer token superseded this one: it stops working from then on. */
  invalidAt?: number;
}

export class TokenIssuer {
  private tokens = new Map<string, IssuedToken>();
  issuedCount = 0;

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.tokens.clear();
    this.issuedCount = 0;
  }

  /** `/cgi-bin/token`: a fresh token; earlier ones of this lineage keep working for 5 minutes. */
  fetch(): { access_token: string; expires_in: number } {
    const now = this.now();
    for (const t of this.tokens.values()) {
      if (t.lineage === 'token' && t.invalidAt === undefined) t.invalidAt = Math.min(t.expiresAt, now + GRACE_MS);
    }
    const t = this.issue('token', now);
    return { access_token: t.value, expires_in: TOKEN_TTL_S };
  }

  /** `/cgi-bin/stable_token`; expires_in is what is left of the returned token (always ≥ 300 s). */
  stable(forceRefresh: boolean): { access_token: string; expires_in: number } {
    const now = this.now();
    const current = [...this.tokens.values()].find((t) => t.lineage === 'stable' && t.invalidAt === undefined && t.expiresAt > now);
    if (current && !forceRefresh && current.expiresAt - now > GRACE_MS) {
      return { access_token: current.value, expires_in: Math.floor((current.expiresAt - now) / 1000) };
    }
    for (const t of this.tokens.values()) {
      if (t.lineage === 'stable' && t.invalidAt === undefined) t.invalidAt = forceRefresh ? now : t.expiresAt;
    }
    const t = this.issue('stable', now);
    return { access_token: t.value, expires_in: TOKEN_TTL_S };
  }

  /** null when the token may be used, else WeChat's error code for it. */
  check(value: string | undefined): ErrCode | null {
    if (!value) return 41001;
    const t = this.tokens.get(value);
    if (!t) return 40001;
    const now = this.now();
    if (now >= t.expiresAt) return 42001;
    if (t.invalidAt !== undefined && now >= t.invalidAt) return 40001;
    return null;
  }

  summary(): { issued: number; usable: number } {
    return { issued: this.issuedCount, usable: [...this.tokens.keys()].filter((v) => this.check(v) === null).length };
  }

  private issue(lineage: IssuedToken['lineage'], now: number): IssuedToken {
    // Real tokens are 130–160 characters of [A-Za-z0-9_-]; apps must store at least 512.
    const t: IssuedToken = { value: randomBytes(102).toString('base64url'), lineage, issuedAt: now, expiresAt: now + TOKEN_TTL_S * 1000 };
    this.tokens.set(t.value, t);
    this.issuedCount++;
    return t;
  }
}
