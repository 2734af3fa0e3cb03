import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { refusalFor } from '../identity/authorize';
import type { Principal } from '../identity/roles';
import { bodyBytes, bodyText, json, type HttpResult } from '../http/response';
import { matchRoute } from '../http/router';
import { adminRoutes } from './adminApi';
import type { App } from './createApp';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/**
 * One admin API request from a principal already authenticated (handlers/admin.ts): the route, the
 * role gate (403 naming the roles needed), the body, then the route's use case.
 */
export async function serveAdminRequest(app: App, principal: Principal, event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const method = event.requestContext.http.method.toUpperCase();
  const matched = matchRoute(adminRoutes(app), method, event.rawPath ?? event.requestContext.http.path);
  if ('status' in matched) return json(matched.status, { error: matched.error });
  const { route } = matched;
  const refusal = refusalFor(principal, route);
  if (refusal) return json(403, refusal);
  if (bodyBytes(event) > MAX_BODY_BYTES) return json(413, { error: 'body too large' });
  const raw = bodyText(event);
  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  let body: unknown = raw;
  if (raw && (contentType.includes('json') || !contentType)) {
    try {
      body = JSON.parse(raw);
    } catch {
      return json(400, { error: 'body is not valid JSON' });
    }
  }
  const requestId = event.requestContext.requestId ?? '';
  return route.run({ params: matched.params, query: event.queryStringParameters ?? {}, body, rawBody: raw, contentType, principal, requestId });
}
