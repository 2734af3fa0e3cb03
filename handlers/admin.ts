import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { header, serveAdminRequest } from '../lib/app/adminRequests';
import { breakGlassPrincipal } from '../lib/identity/breakGlass';
import { errorBoundary } from '../lib/http/errorBoundary';
import { json, type HttpResult } from '../lib/http/response';
import { appHandler } from '../lib/lambda/appHandler';

/** The admin API: who is calling, then the request as they may make it (lib/app/adminRequests.ts). */
export const handler = appHandler(
  async (event: APIGatewayProxyEventV2, app): Promise<HttpResult> => {
    const principal = breakGlassPrincipal(header(event, 'authorization'), app.config);
    if (!principal) return json(401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
    return serveAdminRequest(app, principal, event);
  },
  { boundary: errorBoundary() },
);
