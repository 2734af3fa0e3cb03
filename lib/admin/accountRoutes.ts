import { okResponse } from '../http/respond';
import type { Route } from '../http/router';

/** What the console shows about the account it is signed in to: nothing secret. */
export interface AccountInfo {
  appId: string;
  timeZone: string;
}

export function accountRoutes(account: AccountInfo): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/account',
      roles: ['marketer', 'operator', 'agent', 'viewer'],
      run: async () => okResponse({ appId: account.appId, timeZone: account.timeZone } satisfies AccountInfo),
    },
  ];
}
