import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { answerAdminCall, type ReadBody } from '../lib/app/adminCall';
import { breakGlassPrincipal } from '../lib/identity/breakGlass';
import { errorBoundary } from '../lib/http/errorBoundary';
import { bodyBytes, bodyText, json, type HttpResult } from '../lib/http/response';
import { appHandler } from '../lib/lambda/appHandler';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

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

/** The admin API: who is calling, then one route, whether their roles allow it, then its use case (lib/app/adminCall.ts). */
export const handler = appHandler(
  async (event: APIGatewayProxyEventV2, app): Promise<HttpResult> => {
    const principal = breakGlassPrincipal(header(event, 'authorization'), app.config);
    if (!principal) return json(401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
    return answerAdminCall(app, principal, {
      method: event.requestContext.http.method,
      path: event.rawPath ?? event.requestContext.http.path,
      query: event.queryStringParameters ?? {},
      requestId: event.requestContext.requestId ?? '',
      readBody: bodyOf(event),
    });
  },
  { boundary: errorBoundary() },
);
