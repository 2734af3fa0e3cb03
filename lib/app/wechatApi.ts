import { refreshAccessToken, stableTokenFetcher } from '../wechat/accessToken';
import { dynamoTokenStore } from '../wechat/dynamoTokenStore';
import type { App } from './createApp';

/** The refresher use case wired to the store and WECHAT_API_BASE (handlers/token-refresh, the only caller of /cgi-bin/stable_token). */
export function tokenRefresher(app: Pick<App, 'config' | 'table' | 'clock'>) {
  const ports = {
    store: dynamoTokenStore(app.table),
    fetchToken: stableTokenFetcher(app.config.appId, app.config.appSecret, { baseUrl: app.config.apiBase }),
    clock: app.clock,
  };
  return (stale?: string) => refreshAccessToken(ports, stale);
}
