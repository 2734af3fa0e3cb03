import { signalWithin } from '../deadline/deadline';
import type { TokenProvider } from './accessToken';
import { apiError, fail, ok, type ApiResult } from './apiResult';
import type { MenuDefinition } from '../menu/menu';

export interface WeChatApiOptions {
  /** https://api.weixin.qq.com, or the sandbox. Every outbound call goes here. */
  baseUrl: string;
  tokens: TokenProvider;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** For media uploads and downloads (megabytes, not a few hundred bytes of JSON). */
  mediaTimeoutMs?: number;
}

export type CustomMessage =
  | { touser: string; msgtype: 'text'; text: { content: string } }
  | { touser: string; msgtype: 'image'; image: { media_id: string } }
  | { touser: string; msgtype: 'news'; news: { articles: { title: string; description?: string; url?: string; picurl?: string }[] } };

export interface TemplateMessage {
  touser: string;
  template_id: string;
  url?: string;
  data: Record<string, { value: string }>;
  client_msg_id?: string;
}

/**
 * `/cgi-bin/message/mass/send` to a list of openids (2–10,000 per call; one follower is sent twice
 * over). `clientmsgid` makes it idempotent: WeChat answers 45065 when it was used before.
 */
export type MassMessage = {
  touser: string[];
  clientmsgid?: string;
  send_ignore_reprint?: 0 | 1;
} & ({ msgtype: 'text'; text: { content: string } } | { msgtype: 'mpnews'; mpnews: { media_id: string } });

export interface UserInfo {
  subscribe: 0 | 1;
  openid: string;
  unionid?: string;
  subscribe_time?: number;
  subscribe_scene?: string;
  qr_scene_str?: string;
  tagid_list?: number[];
}

type Body = Record<string, unknown> & { errcode?: number; errmsg?: string };

/** A media file as WeChat serves it. */
export interface MediaBytes {
  contentType: string;
  bytes: Buffer;
}

/**
 * A typed client over fetch. Errors come back as values with the errcode mapped to a kind; a token
 * error triggers one shared refresh and one retry.
 */
export function createWeChatApi(opts: WeChatApiOptions) {
  const doFetch = opts.fetch ?? fetch;

  async function once(path: string, token: string, init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown }): Promise<ApiResult<Body>> {
    const qs = new URLSearchParams({ access_token: token, ...init.query });
    try {
      const res = await doFetch(`${opts.baseUrl}${path}?${qs}`, {
        method: init.method,
        headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
        // WeChat wants literal UTF-8, not \u escapes (it counts bytes of the raw text).
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        // Also cut off at the deadline of the push it is made for, if any (lib/deadline).
        signal: signalWithin(AbortSignal.timeout(opts.timeoutMs ?? 5000)),
      });
      if (res.status >= 500) return fail(-2, `HTTP ${res.status}`);
      const body = (await res.json()) as Body;
      if (body.errcode && body.errcode !== 0) return { ok: false, error: apiError(body.errcode, String(body.errmsg ?? '')) };
      return ok(body);
    } catch (err) {
      return fail(-2, `network: ${(err as Error).name}`);
    }
  }

  /** One call with the current token; after a token error, one shared refresh and one retry. */
  async function withToken<T>(run: (token: string) => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    const token = await opts.tokens.current();
    if (!token) return fail(-1, 'no access token available');
    const first = await run(token);
    if (first.ok || first.error.kind !== 'token') return first;
    const renewed = await opts.tokens.refresh(token);
    if (!renewed) return first;
    return run(renewed);
  }

  const call = (path: string, init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown }): Promise<ApiResult<Body>> =>
    withToken((token) => once(path, token, init));

  /** Media calls: a form up (upload), bytes down (get); a JSON answer is WeChat's error or result. */
  async function mediaOnce(
    path: string,
    token: string,
    init: { method: 'GET' | 'POST'; query: Record<string, string>; form?: FormData },
  ): Promise<ApiResult<Body | MediaBytes>> {
    const qs = new URLSearchParams({ access_token: token, ...init.query });
    try {
      const res = await doFetch(`${opts.baseUrl}${path}?${qs}`, {
        method: init.method,
        body: init.form,
        signal: signalWithin(AbortSignal.timeout(opts.mediaTimeoutMs ?? 20_000)),
      });
      if (res.status >= 500) return fail(-2, `HTTP ${res.status}`);
      const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
      if (!/json|text\/plain/i.test(contentType)) return ok({ contentType, bytes: Buffer.from(await res.arrayBuffer()) });
      const body = (await res.json()) as Body;
      if (body.errcode && body.errcode !== 0) return { ok: false, error: apiError(body.errcode, String(body.errmsg ?? '')) };
      return ok(body);
    } catch (err) {
      return fail(-2, `network: ${(err as Error).name}`);
    }
  }

  return {
    call,
    createMenu: async (menu: MenuDefinition) => done(await call('/cgi-bin/menu/create', { method: 'POST', body: menu })),
    getMenu: async (): Promise<ApiResult<{ menu?: MenuDefinition }>> => {
      const r = await call('/cgi-bin/menu/get', { method: 'GET' });
      return r.ok ? ok({ menu: r.value.menu as MenuDefinition | undefined }) : r;
    },
    deleteMenu: async () => done(await call('/cgi-bin/menu/delete', { method: 'GET' })),
    sendCustomMessage: async (msg: CustomMessage) => done(await call('/cgi-bin/message/custom/send', { method: 'POST', body: msg })),
    sendTemplateMessage: async (msg: TemplateMessage): Promise<ApiResult<{ msgid: string }>> => {
      const r = await call('/cgi-bin/message/template/send', { method: 'POST', body: msg });
      return r.ok ? ok({ msgid: String(r.value.msgid) }) : r;
    },
    sendMassMessage: async (msg: MassMessage): Promise<ApiResult<{ msgid: string; msgDataId?: string }>> => {
      const r = await call('/cgi-bin/message/mass/send', { method: 'POST', body: msg });
      return r.ok ? ok({ msgid: String(r.value.msg_id), ...(r.value.msg_data_id !== undefined ? { msgDataId: String(r.value.msg_data_id) } : {}) }) : r;
    },
    /** `/cgi-bin/message/mass/preview`: one follower sees a mass message; it uses no quota. */
    previewMassMessage: async (
      msg: { touser: string } & ({ msgtype: 'text'; text: { content: string } } | { msgtype: 'mpnews'; mpnews: { media_id: string } }),
    ) => done(await call('/cgi-bin/message/mass/preview', { method: 'POST', body: msg })),
    /** `/cgi-bin/media/upload?type=image`: a temporary image (kept three days) to send by its media_id. */
    uploadImage: async (image: { fileName: string; contentType: string; bytes: Buffer }): Promise<ApiResult<{ mediaId: string }>> => {
      const r = await withToken((token) => {
        const form = new FormData();
        form.append('media', new Blob([new Uint8Array(image.bytes)], { type: image.contentType }), image.fileName);
        return mediaOnce('/cgi-bin/media/upload', token, { method: 'POST', query: { type: 'image' }, form });
      });
      if (!r.ok) return r;
      return 'bytes' in r.value || typeof r.value.media_id !== 'string'
        ? fail(-1, 'media/upload answered without a media_id')
        : ok({ mediaId: r.value.media_id });
    },
    /** `/cgi-bin/media/get`: a temporary media's bytes and type (a follower's photo, an uploaded image). */
    getMedia: async (mediaId: string): Promise<ApiResult<MediaBytes>> => {
      const r = await withToken((token) => mediaOnce('/cgi-bin/media/get', token, { method: 'GET', query: { media_id: mediaId } }));
      if (!r.ok) return r;
      return 'bytes' in r.value ? ok(r.value as MediaBytes) : fail(-1, 'media/get answered JSON without bytes (a video is fetched from its URL)');
    },
    getUserInfo: async (openid: string): Promise<ApiResult<UserInfo>> => {
      const r = await call('/cgi-bin/user/info', { method: 'GET', query: { openid, lang: 'zh_CN' } });
      return r.ok ? ok(r.value as unknown as UserInfo) : r;
    },
  };
}

export type WeChatApi = ReturnType<typeof createWeChatApi>;

function done(r: ApiResult<Body>): ApiResult<void> {
  return r.ok ? ok(undefined) : r;
}
