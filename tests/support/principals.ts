import { answerAdminCall } from '../../lib/app/adminCall';
import { containerApp } from '../../lib/app/containerApp';
import type { Principal, Role } from '../../lib/identity/roles';
import type { AdminCall } from './handlers';

/** A person signed in with these roles (until the identity lane's Cognito tokens, a principal made here). */
export const person = (username: string, roles: Role[]): Principal => ({ username, sub: `sub-${username}`, roles, via: 'account' });

/**
 * An admin API client acting as `principal`: the same path as the admin handler after it has
 * authenticated the caller (lib/app/adminCall.ts: route, roles, body, use case, audit log).
 */
export function adminAs(principal: Principal) {
  return async (method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<AdminCall> => {
    const app = await containerApp();
    const rawBody = body === undefined ? '' : JSON.stringify(body);
    const res = await answerAdminCall(app, principal, {
      method,
      path,
      query,
      requestId: `req-${principal.username}`,
      readBody: () => ({ body: body ?? '', rawBody, contentType: 'application/json' }),
    });
    const type = String(res.headers?.['content-type'] ?? '');
    return { status: res.statusCode, body: res.body && type.includes('json') ? JSON.parse(String(res.body)) : res.body, headers: res.headers };
  };
}
