import type { MenuButton } from './state';
import type { ErrCode } from './wechat-errors';

/**
 * WeChat's limits for `/cgi-bin/menu/create`: 1–3 top buttons, 1–5 sub-buttons each, names up to
 * 16 bytes (top) / 60 bytes (sub), keys up to 128 bytes, URLs up to 1024 bytes. Sub-buttons get the
 * `sub` variants of the error codes (40023–40027) as WeChat's return-code table lists them.
 */
const LIMITS = { top: 3, sub: 5, topName: 16, subName: 60, key: 128, url: 1024 };

const KEY_TYPES = new Set(['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select']);
const URL_TYPES = new Set(['view', 'miniprogram']);
const MEDIA_TYPES = new Set(['media_id', 'view_limited']);
const ARTICLE_TYPES = new Set(['article_id', 'article_view_limited']);
const ALL_TYPES = new Set([...KEY_TYPES, ...URL_TYPES, ...MEDIA_TYPES, ...ARTICLE_TYPES]);

export type MenuCheck = { ok: true; menu: MenuButton[] } | { ok: false; errcode: ErrCode; detail: string };

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class MenuRejected extends Error {
  constructor(
    readonly errcode: ErrCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function checkMenu(body: unknown): MenuCheck {
  try {
    if (!isObject(body)) throw new MenuRejected(47001, 'body must be a JSON object with "button"');
    const buttons = body.button;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > LIMITS.top) {
      throw new MenuRejected(40016, `button must hold 1–${LIMITS.top} buttons`);
    }
    return { ok: true, menu: buttons.map((b, i) => checkTop(b, `button[${i}]`)) };
  } catch (err) {
    if (err instanceof MenuRejected) return { ok: false, errcode: err.errcode, detail: err.detail };
    throw err;
  }
}

function checkTop(b: unknown, at: string): MenuButton {
  if (!isObject(b)) throw new MenuRejected(47001, `${at} must be an object`);
  const name = checkName(b.name, LIMITS.topName, 40018, at);
  const subs = b.sub_button;
  if (Array.isArray(subs) && subs.length > 0) {
    if (subs.length > LIMITS.sub) throw new MenuRejected(40023, `${at}.sub_button must hold 1–${LIMITS.sub} buttons`);
    return { name, sub_button: subs.map((s, j) => checkSub(s, `${at}.sub_button[${j}]`)) };
  }
  if (subs !== undefined && !Array.isArray(subs)) throw new MenuRejected(47001, `${at}.sub_button must be an array`);
  return checkAction(b, name, at, { type: 40017, key: 40019, url: 40020 });
}

function checkSub(b: unknown, at: string): MenuButton {
  if (!isObject(b)) throw new MenuRejected(47001, `${at} must be an object`);
  if (Array.isArray(b.sub_button) && b.sub_button.length > 0) throw new MenuRejected(40022, `${at} cannot have sub_button (two levels at most)`);
  const name = checkName(b.name, LIMITS.subName, 40025, at);
  return checkAction(b, name, at, { type: 40024, key: 40026, url: 40027 });
}

function checkName(name: unknown, max: number, code: ErrCode, at: string): string {
  if (typeof name !== 'string' || name.length === 0 || bytes(name) > max) {
    throw new MenuRejected(code, `${at}.name must be 1–${max} bytes`);
  }
  return name;
}

function checkAction(b: Record<string, unknown>, name: string, at: string, codes: { type: ErrCode; key: ErrCode; url: ErrCode }): MenuButton {
  const type = b.type;
  if (typeof type !== 'string' || !ALL_TYPES.has(type)) throw new MenuRejected(codes.type, `${at}.type ${JSON.stringify(type)} is not a menu button type`);
  const out: MenuButton = { type, name, sub_button: [] };
  if (KEY_TYPES.has(type)) {
    if (typeof b.key !== 'string' || b.key.length === 0 || bytes(b.key) > LIMITS.key)
      throw new MenuRejected(codes.key, `${at}.key must be 1–${LIMITS.key} bytes`);
    out.key = b.key;
  }
  if (URL_TYPES.has(type)) {
    if (typeof b.url !== 'string' || b.url.length === 0 || bytes(b.url) > LIMITS.url)
      throw new MenuRejected(codes.url, `${at}.url must be 1–${LIMITS.url} bytes`);
    out.url = b.url;
  }
  if (type === 'miniprogram') {
    if (typeof b.appid !== 'string' || typeof b.pagepath !== 'string') throw new MenuRejected(47001, `${at} needs appid and pagepath`);
    out.appid = b.appid;
    out.pagepath = b.pagepath;
  }
  if (MEDIA_TYPES.has(type)) {
    if (typeof b.media_id !== 'string' || !b.media_id) throw new MenuRejected(40007, `${at}.media_id is required`);
    out.media_id = b.media_id;
  }
  if (ARTICLE_TYPES.has(type)) {
    if (typeof b.article_id !== 'string' || !b.article_id) throw new MenuRejected(47001, `${at}.article_id is required`);
    out.article_id = b.article_id;
  }
  return out;
}
