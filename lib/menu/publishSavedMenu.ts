import type { Clock } from '../clock/clock';
import { conflict, invalid, notFound, ok, upstream, type Result } from '../result';
import type { WeChatApi } from '../wechat/api';
import type { MenuStore, StoredMenu } from './menuStore';
import { publishMenu } from './publishMenu';

/** 46003, no menu: what publishMenu answers when none was saved (and WeChat when it has none). */
const NO_MENU = 46003;

export async function savedMenu(ports: { menus: MenuStore }): Promise<Result<StoredMenu>> {
  const stored = await ports.menus.get();
  return stored ? ok(stored) : notFound('no menu saved yet');
}

/**
 * Sends the saved menu to WeChat. Nothing saved is a conflict; WeChat out of reach (or our token
 * refused) is its failure, not the menu's; anything else WeChat refuses is a bad menu.
 */
export async function publishSavedMenu(ports: {
  menus: MenuStore;
  api: () => Promise<Pick<WeChatApi, 'createMenu'>>;
  clock: Clock;
}): Promise<Result<{ published: true }>> {
  const result = await publishMenu({ menus: ports.menus, api: await ports.api(), clock: ports.clock });
  if (result.ok) return ok({ published: true });
  const { errcode, errmsg, kind } = result.error;
  const refuse = errcode === NO_MENU ? conflict : kind === 'transient' || kind === 'token' ? upstream : invalid;
  return refuse(`WeChat refused the menu: ${errmsg}`, { errcode });
}
