import { recordAdminChange } from '../audit/recordAdminChange';
import type { Principal } from '../identity/roles';
import { mayCall, rolesNeeded } from '../identity/roles';
import { json, type HttpResult } from '../http/response';
import { matchRoute } from '../http/router';
import { adminRoutes } from './adminApi';
import { auditPorts } from './audit';
import type { App } from './createApp';

/** A request's body as the admin handler read it, or the answer when it could not be read. */
export type ReadBody = () => { body: unknown; rawBody: string; contentType: string } | HttpResult;

export interface AdminRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  requestId: string;
  readBody: ReadBody;
}

/**
 * One admin API call by a known principal: the route, whether their roles allow it (403 naming the
 * roles otherwise), the body, the route's use case, all recorded in the audit log when it is a
 * change or was denied. The handler calls it once it knows who is calling; tests call it as anyone.
 */
export async function answerAdminCall(app: App, principal: Principal, req: AdminRequest): Promise<HttpResult> {
  const method = req.method.toUpperCase();
  const matched = matchRoute(adminRoutes(app), method, req.path);
  if ('status' in matched) return json(matched.status, { error: matched.error });
  const { route, params } = matched;
  const call = { route, method, path: req.path, params, principal, requestId: req.requestId };
  if (!mayCall(principal, route.roles)) {
    const needed = rolesNeeded(route.roles);
    const refuse = async () =>
      json(403, { error: `${method} ${route.path} needs the role ${needed.join(' or ')}`, rolesNeeded: needed, yourRoles: principal.roles });
    return recordAdminChange(auditPorts(app), call, refuse, true);
  }
  const read = req.readBody();
  if ('statusCode' in read) return read;
  const run = () => route.run({ params, query: req.query, ...read, principal, requestId: req.requestId });
  return recordAdminChange(auditPorts(app), { ...call, body: read.body }, run);
}
