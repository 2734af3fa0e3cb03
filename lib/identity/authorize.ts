import type { Route } from '../http/router';
import { mayCall, rolesNeeded, type Principal, type Role } from './roles';

/** Why a principal may not call a route: the 403's body. */
export interface RouteRefusal {
  error: string;
  rolesNeeded: Role[];
  yourRoles: Role[];
}

/** The admin API's role gate: undefined when the principal's roles allow the route, else what to answer. */
export function refusalFor(principal: Pick<Principal, 'roles'>, route: Pick<Route, 'method' | 'path' | 'roles'>): RouteRefusal | undefined {
  if (mayCall(principal, route.roles)) return undefined;
  const needed = rolesNeeded(route.roles);
  return { error: `${route.method} ${route.path} needs the role ${needed.join(' or ')}`, rolesNeeded: needed, yourRoles: principal.roles };
}
