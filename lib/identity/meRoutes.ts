import { okResponse } from '../http/respond';
import type { Route } from '../http/router';
import { ALLOW, mayCall } from './roles';

/**
 * `GET /admin/me`: who is signed in, by what, and every route their roles allow (`METHOD /path`), so
 * the console shows only what they can do. `routes` is every role route of the API, this one included.
 */
export function meRoutes(routes: () => readonly Route[]): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/me',
      roles: ALLOW.everyone,
      run: async ({ principal }) => {
        const allowed = routes()
          .filter((r) => mayCall(principal, r.roles))
          .map((r) => `${r.method} ${r.path}`);
        return okResponse({ username: principal.username, roles: principal.roles, via: principal.via, allowed });
      },
    },
  ];
}
