import { json } from '../http/response';
import type { Route } from '../http/router';

/** What the console shows about the account it is signed in to: nothing secret. */
export interface AccountInfo {
  appId: string;
  timeZone: string;
}

export function accountRoutes(account: AccountInfo): Route[] {
  return [{ method: 'GET', path: '/admin/account', run: async () => json(200, { appId: account.appId, timeZone: account.timeZone } satisfies AccountInfo) }];
}
