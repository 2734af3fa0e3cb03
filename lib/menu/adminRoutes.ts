import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { withBody, type Route } from '../http/router';
import type { WeChatApi } from '../wechat/api';
import { menuSchema } from './menu';
import type { MenuStore } from './menuStore';
import { publishMenu } from './publishMenu';

export function menuRoutes(ports: { menus: MenuStore; api: () => Promise<Pick<WeChatApi, 'createMenu'>>; clock: Clock }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/menu',
      run: async () => {
        const stored = await ports.menus.get();
        return stored ? json(200, stored) : json(404, { error: 'no menu saved yet' });
      },
    },
    {
      method: 'PUT',
      path: '/admin/menu',
      run: (req) => withBody(menuSchema, req.body, async (menu) => json(200, await ports.menus.put(menu, ports.clock.now()))),
    },
    {
      method: 'POST',
      path: '/admin/menu/publish',
      run: async () => {
        const result = await publishMenu({ menus: ports.menus, api: await ports.api(), clock: ports.clock });
        if (result.ok) return json(200, { published: true });
        const status = result.error.errcode === 46003 ? 409 : result.error.kind === 'transient' || result.error.kind === 'token' ? 502 : 400;
        return json(status, { error: `WeChat refused the menu: ${result.error.errmsg}`, errcode: result.error.errcode });
      },
    },
  ];
}
