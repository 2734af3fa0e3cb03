import { isAuthorized } from '../http/bearer';
import type { Principal } from './roles';

/**
 * The shared ADMIN_TOKEN, kept only as a break-glass and automation credential: it acts as an admin
 * named `break-glass` (so the audit log says so), and only where ADMIN_BREAK_GLASS is on (off by
 * default in a deployed stage; on under `npm start` and in tests).
 */
export const BREAK_GLASS: Principal = { username: 'break-glass', sub: 'break-glass', roles: ['admin'], via: 'break-glass' };

export function breakGlassPrincipal(authorization: string | undefined, settings: { adminToken: string; breakGlass: boolean }): Principal | undefined {
  return settings.breakGlass && isAuthorized(authorization, settings.adminToken) ? BREAK_GLASS : undefined;
}
