import middy from '@middy/core';
import { getRuntime } from '../lib/app/runtime';
import { tokenRefresher } from '../lib/app/wechatApi';
import { log } from '../lib/observability/log';

/**
 * Runs on a schedule (keeps the stored token fresh) and on demand from other functions after a
 * 40001/42001 (`{ staleToken }`). The only function that talks to /cgi-bin/stable_token.
 */
export async function refreshToken(event: { staleToken?: string } | undefined) {
  const rt = await getRuntime();
  const result = await tokenRefresher(rt)(typeof event?.staleToken === 'string' ? event.staleToken : undefined);
  if (!result.ok) log.error('access token refresh failed', { errcode: result.error.errcode, errmsg: result.error.errmsg });
  else log.info('access token ready', { expiresAt: new Date(result.value.expiresAt).toISOString() });
  return result;
}

export const handler = middy<{ staleToken?: string } | undefined>().handler(refreshToken);
