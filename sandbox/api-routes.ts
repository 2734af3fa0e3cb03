import type { ApiFaults, TakenFault } from './api-faults';
import type { SandboxOptions } from './config';
import { parseJson } from './http-io';
import type { JobEvents } from './job-events';
import { massPreview, massSend } from './mass-send';
import { checkMenu } from './menu-rules';
import { customMessage, templateMessage } from './outbound-messages';
import { AFTER_EVENT, AFTER_MESSAGE, spendAllowance } from './reply-allowance';
import type { SendLimits } from './send-limits';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';
import { OK, wxError, type ErrCode } from './wechat-errors';

/** The emulated subset of api.weixin.qq.com: same paths, same JSON, WeChat's error codes. */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  rawBody: string;
}

export interface ApiDeps {
  state: SandboxState;
  tokens: TokenIssuer;
  options: SandboxOptions;
  limits: SendLimits;
  jobs: JobEvents;
  faults: ApiFaults;
}

type Json = Record<string, unknown>;
type Handler = (req: ApiRequest, body: Json, deps: ApiDeps) => Json;

export const SERVICE_WINDOW_MS = 48 * 3600 * 1000;
const TEMPLATE_DEDUP_MS = 10 * 60 * 1000;

interface Route {
  post: boolean;
  /** false for the two token endpoints, which take appid and secret instead. */
  needsToken: boolean;
  handle: Handler;
  /** The send endpoints share the per-second ceiling (45011). */
  send?: true;
}

const routes: Record<string, Route> = {
  '/cgi-bin/token': { post: false, needsToken: false, handle: token },
  '/cgi-bin/stable_token': { post: true, needsToken: false, handle: stableToken },
  '/cgi-bin/menu/create': { post: true, needsToken: true, handle: menuCreate },
  '/cgi-bin/menu/get': { post: false, needsToken: true, handle: menuGet },
  '/cgi-bin/menu/delete': { post: false, needsToken: true, handle: menuDelete },
  '/cgi-bin/message/custom/send': { post: true, needsToken: true, handle: customSend, send: true },
  '/cgi-bin/message/template/send': { post: true, needsToken: true, handle: templateSend, send: true },
  '/cgi-bin/message/mass/send': { post: true, needsToken: true, handle: (_req, body, deps) => massSend(body, deps), send: true },
  '/cgi-bin/message/mass/preview': { post: true, needsToken: true, handle: (_req, body, deps) => massPreview(body, deps), send: true },
  '/cgi-bin/user/info': { post: false, needsToken: true, handle: userInfo },
};

export function isApiPath(path: string): boolean {
  return path.startsWith('/cgi-bin/');
}

/**
 * Answers one API call and records it (path, query, body, errcode, fault) in the state. A fault
 * queued for the call (sandbox/api-faults.ts) either replaces the answer (nothing is done) or, for
 * `drop-after-commit`, lets the call do its work and travels with the answer so that it is lost.
 */
export function handleApi(req: ApiRequest, deps: ApiDeps): { status: number; json: Json; fault?: TakenFault } {
  const parsed = parseJson(req.rawBody);
  const recordedBody = parsed.ok ? parsed.value : req.rawBody;
  const fault = routes[req.path] ? deps.faults.take(req.path, recordedBody) : undefined;
  const { status, json } = fault && fault.kind !== 'drop-after-commit' ? { status: 200, json: err(-1) } : answer(req, parsed, deps);
  deps.state.record({
    method: req.method,
    path: req.path,
    query: req.query,
    body: recordedBody,
    errcode: typeof json.errcode === 'number' ? json.errcode : 0,
    ...(fault ? { fault: fault.kind } : {}),
  });
  return { status, json, ...(fault ? { fault } : {}) };
}

function answer(req: ApiRequest, parsed: ReturnType<typeof parseJson>, deps: ApiDeps): { status: number; json: Json } {
  const route = routes[req.path];
  if (!route) return { status: 404, json: { errcode: -1, errmsg: `the sandbox does not emulate ${req.path}` } };
  if (route.needsToken) {
    const bad = deps.tokens.check(req.query.access_token);
    if (bad) return { status: 200, json: { ...wxError(bad) } };
  }
  if (route.post && req.method !== 'POST') return { status: 200, json: { ...wxError(43002) } };
  if (route.send && !deps.limits.admitSendCall())
    return { status: 200, json: err(45011, `more than ${deps.limits.settings.sendRatePerSecond} send calls this second`) };
  if (!parsed.ok) return { status: 200, json: { ...wxError(47001, parsed.error) } };
  const body = parsed.value;
  if (route.post && (typeof body !== 'object' || body === null || Array.isArray(body)))
    return { status: 200, json: { ...wxError(47001, 'body must be a JSON object') } };
  return { status: 200, json: route.handle(req, (body ?? {}) as Json, deps) };
}

const err = (code: ErrCode, detail?: string): Json => ({ ...wxError(code, detail) });

function credentials(grantType: unknown, appid: unknown, secret: unknown, options: SandboxOptions): Json | null {
  if (grantType !== 'client_credential') return err(40002, 'grant_type must be client_credential');
  if (!appid) return err(41002);
  if (!secret) return err(41004);
  if (appid !== options.appId) return err(40013);
  if (secret !== options.appSecret) return err(40125);
  return null;
}

function token(req: ApiRequest, _body: Json, { tokens, options }: ApiDeps): Json {
  const q = req.query;
  return credentials(q.grant_type, q.appid, q.secret, options) ?? tokens.fetch();
}

function stableToken(_req: ApiRequest, body: Json, { tokens, options }: ApiDeps): Json {
  return credentials(body.grant_type, body.appid, body.secret, options) ?? tokens.stable(body.force_refresh === true);
}

function menuCreate(_req: ApiRequest, body: Json, { state }: ApiDeps): Json {
  const checked = checkMenu(body);
  if (!checked.ok) return err(checked.errcode, checked.detail);
  state.menu = checked.menu;
  return { ...OK };
}

function menuGet(_req: ApiRequest, _body: Json, { state }: ApiDeps): Json {
  if (!state.menu) return err(46003);
  return { menu: { button: state.menu } };
}

function menuDelete(_req: ApiRequest, _body: Json, { state }: ApiDeps): Json {
  state.menu = null;
  return { ...OK };
}

function customSend(_req: ApiRequest, body: Json, { state }: ApiDeps): Json {
  const follower = typeof body.touser === 'string' ? state.followers.get(body.touser) : undefined;
  if (!follower) return err(40003);
  if (!follower.subscribed) return err(43004);
  if (follower.lastInteractionAt === undefined || state.now() - follower.lastInteractionAt > SERVICE_WINDOW_MS) {
    return err(45015, 'more than 48 hours since the follower last interacted');
  }
  const converted = customMessage(body);
  if (!converted.ok) return err(converted.errcode, converted.detail);
  if (!spendAllowance(follower, state.now())) {
    return err(
      45047,
      `${AFTER_MESSAGE.messages} messages per follower message (${AFTER_EVENT.messages} within a minute of a click, follow or scan) are used up`,
    );
  }
  state.append(follower.openid, converted.entry);
  return { ...OK };
}

function templateSend(_req: ApiRequest, body: Json, { state, options, limits, jobs }: ApiDeps): Json {
  const follower = typeof body.touser === 'string' ? state.followers.get(body.touser) : undefined;
  if (!follower) return err(40003);
  if (!follower.subscribed) return err(43004);
  const converted = templateMessage(body, options.templateIds);
  if (!converted.ok) return err(converted.errcode, converted.detail);
  const clientMsgId = typeof body.client_msg_id === 'string' && body.client_msg_id ? body.client_msg_id : undefined;
  const dedupKey = clientMsgId && `${follower.openid}|${clientMsgId}`;
  const now = state.now();
  const earlier = dedupKey ? state.templateSends.get(dedupKey) : undefined;
  if (earlier && now - earlier.at < TEMPLATE_DEDUP_MS) return { ...OK, msgid: earlier.msgid };
  if (limits.templateQuotaReached()) return err(45009, `${limits.settings.templateDailyQuota} template messages today`);
  const msgid = state.newMsgId();
  limits.countTemplate();
  // A follower who turned off the account's notices is not shown it; the job event says so.
  if (!follower.blocksTemplates) state.append(follower.openid, { ...converted.entry, msgid });
  if (dedupKey) state.templateSends.set(dedupKey, { msgid, at: now });
  jobs.templateFinished(msgid, follower.openid, follower.blocksTemplates ? 'failed:user block' : 'success');
  return { ...OK, msgid };
}

function userInfo(req: ApiRequest, _body: Json, { state }: ApiDeps): Json {
  const f = req.query.openid ? state.followers.get(req.query.openid) : undefined;
  if (!f) return err(40003);
  // WeChat says nothing more than this about someone who is not (or no longer) following.
  if (!f.subscribed) return { subscribe: 0, openid: f.openid, ...(f.unionid ? { unionid: f.unionid } : {}), tagid_list: [] };
  return {
    subscribe: 1,
    openid: f.openid,
    language: f.language,
    subscribe_time: f.subscribeTime,
    ...(f.unionid ? { unionid: f.unionid } : {}),
    remark: f.remark,
    groupid: 0,
    tagid_list: f.tagIds,
    subscribe_scene: f.subscribeScene,
    qr_scene: f.qrScene,
    qr_scene_str: f.qrSceneStr,
  };
}
