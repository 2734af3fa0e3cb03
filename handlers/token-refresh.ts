import { tokenRefresher } from '../lib/app/wechatApi';
import { appHandler } from '../lib/lambda/appHandler';
import { eventOption } from '../lib/lambda/handler';
import { log } from '../lib/observability/log';
import { metric } from '../lib/observability/metrics';

/**
 * Runs on a schedule (keeps the stored token fresh) and on demand from other functions after a
 * 40001/42001 (`{ staleToken }`). The only function that talks to /cgi-bin/stable_token; it answers
 * with the ApiResult as is (lib/app/createApp.ts reads it).
 */
export const handler = appHandler(async (event: unknown, app) => {
  const result = await tokenRefresher(app)(eventOption(event, 'staleToken'));
  // Every run reports (0 or 1), so the TokenRefreshFailingAlarm sees consecutive failures.
  metric('TokenRefreshFailed', result.ok ? 0 : 1);
  if (!result.ok) log.error('access token refresh failed', { errcode: result.error.errcode, errmsg: result.error.errmsg });
  else log.info('access token ready', { expiresAt: new Date(result.value.expiresAt).toISOString() });
  return result;
});
