import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { answerAdminCall, type ReadBody } from '../lib/app/adminCall';
import { publicAdminRoutes } from '../lib/app/adminApi';
import { identityPorts } from '../lib/app/identity';
import { authenticate } from '../lib/identity/authenticate';
import { errorBoundary } from '../lib/http/errorBoundary';
import { failureResponse } from '../lib/http/respond';
import { bodyBytes, bodyText, json, type HttpResult } from '../lib/http/response';
import { matchRoute } from '../lib/http/router';
import { appHandler } from '../lib/lambda/appHandler';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The headers with their names in lower case (HTTP APIs lower-case them already; other callers may not). */
const headersOf = (event: APIGatewayProxyEventV2): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => headersOf(event)[name];

/** The body: JSON parsed (when JSON or untyped), other content types as text. */
const bodyOf =
  (event: APIGatewayProxyEventV2): ReadBody =>
  () => {
    if (bodyBytes(event) > MAX_BODY_BYTES) return json(413, { error: 'body too large' });
    const rawBody = bodyText(event);
    const contentType = (header(event, 'content-type') ?? '').toLowerCase();
    if (!rawBody || !(contentType.includes('json') || !contentType)) return { body: rawBody, rawBody, contentType };
    try {
      return { body: JSON.parse(rawBody), rawBody, contentType };
    } catch {
      return json(400, { error: 'body is not valid JSON' });
    }
  };

/**
 * The admin API: signing in (the only routes without a principal), else who is calling (the
 * break-glass token or a person's id token), then one route, whether their roles allow it, then its
 * use case (lib/app/adminCall.ts, which records changes in the audit log).
 */
export const handler = appHandler(
  async (event: APIGatewayProxyEventV2, app): Promise<HttpResult> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath ?? event.requestContext.http.path;
    const requestId = event.requestContext.requestId ?? '';
    const query = event.queryStringParameters ?? {};
    const headers = headersOf(event);
    const readBody = bodyOf(event);
    const session = matchRoute(publicAdminRoutes(app), method, path);
    if ('route' in session) {
      const body = readBody();
      return 'statusCode' in body ? body : session.route.run({ params: session.params, query, headers, ...body, requestId });
    }
    const caller = await authenticate(header(event, 'authorization'), { breakGlass: app.config, idTokens: identityPorts(app).idTokens });
    if (!caller.ok)
      return caller.error.kind === 'unauthenticated'
        ? json(401, { error: caller.error.message }, { 'www-authenticate': 'Bearer' })
        : failureResponse(caller.error);
    return answerAdminCall(app, caller.value, { method, path, query, requestId, headers, readBody });
  },
  { boundary: errorBoundary() },
);
