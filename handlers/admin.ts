import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { adminRoutes } from '../lib/app/adminApi';
import { breakGlassPrincipal } from '../lib/identity/breakGlass';
import { mayCall, rolesNeeded } from '../lib/identity/roles';
import { errorBoundary } from '../lib/http/errorBoundary';
import { bodyBytes, bodyText, json, type HttpResult } from '../lib/http/response';
import { matchRoute } from '../lib/http/router';
import { appHandler } from '../lib/lambda/appHandler';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/** The admin API: who is calling, then one route, whether their roles allow it, then its use case. */
export const handler = appHandler(
  async (event: APIGatewayProxyEventV2, app): Promise<HttpResult> => {
    const principal = breakGlassPrincipal(header(event, 'authorization'), app.config);
    if (!principal) return json(401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
    const method = event.requestContext.http.method.toUpperCase();
    const matched = matchRoute(adminRoutes(app), method, event.rawPath ?? event.requestContext.http.path);
    if ('status' in matched) return json(matched.status, { error: matched.error });
    const { route } = matched;
    if (!mayCall(principal, route.roles)) {
      const needed = rolesNeeded(route.roles);
      return json(403, { error: `${method} ${route.path} needs the role ${needed.join(' or ')}`, rolesNeeded: needed, yourRoles: principal.roles });
    }
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
  },
  { boundary: errorBoundary() },
);
