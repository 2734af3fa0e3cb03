import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token check in constant time (hashing first makes the lengths equal). An empty configured
 * token means the admin API stays closed, never open.
 */
export function isAuthorized(header: string | undefined, expected: string): boolean {
  if (!expected || !header) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
