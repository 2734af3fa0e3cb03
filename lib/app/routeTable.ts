import { readConfig } from '../config/config';
import { adminRoutes } from './adminApi';
import { createApp } from './createApp';

/**
 * The admin routes' methods, paths and roles, read without a stack: building the routes calls
 * nothing (the app's clients connect on first use), so a script or a unit test can list them.
 */
export function adminRouteTable() {
  const app = createApp(readConfig({ WECHAT_APPID: 'wx-route-table', WECHAT_TOKEN: 'route-table' }));
  return adminRoutes(app).map(({ method, path, roles }) => ({ method, path, roles }));
}
