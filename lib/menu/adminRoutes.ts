import type { Clock } from '../clock/clock';
import { okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { WeChatApi } from '../wechat/api';
import { menuSchema } from './menu';
import type { MenuStore } from './menuStore';
import { publishSavedMenu, savedMenu } from './publishSavedMenu';

export function menuRoutes(ports: { menus: MenuStore; api: () => Promise<Pick<WeChatApi, 'createMenu'>>; clock: Clock }): Route[] {
  return [
    { method: 'GET', path: '/admin/menu', roles: ['operator', 'marketer'], run: async () => respond(await savedMenu(ports)) },
    {
      method: 'PUT',
      path: '/admin/menu',
      roles: ['operator'],
      run: (req) => withBody(menuSchema, req.body, async (menu) => okResponse(await ports.menus.put(menu, ports.clock.now()))),
    },
    { method: 'POST', path: '/admin/menu/publish', roles: ['operator'], run: async () => respond(await publishSavedMenu(ports)) },
  ];
}
