import type { Clock } from '../clock/clock';
import { fail, type ApiResult } from '../wechat/apiResult';
import type { WeChatApi } from '../wechat/api';
import type { MenuStore } from './menuStore';

/** Sends the saved menu to WeChat (/cgi-bin/menu/create) and records when it went live. */
export async function publishMenu(ports: { menus: MenuStore; api: Pick<WeChatApi, 'createMenu'>; clock: Clock }): Promise<ApiResult<void>> {
  const stored = await ports.menus.get();
  if (!stored) return fail(46003, 'no menu saved yet: PUT /admin/menu first');
  const result = await ports.api.createMenu(stored.menu);
  if (result.ok) await ports.menus.markPublished(ports.clock.now());
  return result;
}
