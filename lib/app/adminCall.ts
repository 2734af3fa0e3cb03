import { recordAdminChange } from '../audit/recordAdminChange';
import { refusalFor } from '../identity/authorize';
import type { Principal } from '../identity/roles';
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
  /** Names in lower case; none given: no headers. */
  headers?: Record<string, string | undefined>;
  readBody: ReadBody;
}

/**
 * One admin API call by a known principal: the route, whether their roles allow it (403 naming the
 * roles otherwise, before the body is read), the body, the route's use case. The handler calls it
 * once it knows who is calling; tests call it as anyone (tests/roles.test.ts).
 */
export async function answerAdminCall(app: App, principal: Principal, req: AdminRequest): Promise<HttpResult> {
  const method = req.method.toUpperCase();
  const matched = matchRoute(adminRoutes(app), method, req.path);
  if ('status' in matched) return json(matched.status, { error: matched.error });
  const { route, params } = matched;
  const call = { route, method, path: req.path, params, principal, requestId: req.requestId };
  const refusal = refusalFor(principal, route);
  if (refusal) return recordAdminChange(auditPorts(app), call, async () => json(403, refusal), true);
  const read = req.readBody();
  if ('statusCode' in read) return read;
  const run = () => route.run({ params, query: req.query, headers: req.headers ?? {}, ...read, principal, requestId: req.requestId });
  return recordAdminChange(auditPorts(app), { ...call, body: read.body }, run);
}
