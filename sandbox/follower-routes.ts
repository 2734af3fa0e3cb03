import type { SandboxOptions } from './config';
import { OPENID, parseFollowerRequest, type FollowerRequest } from './follower-request';
import { parseJson } from './http-io';
import { deliverPush, type PushAttempt } from './push-delivery';
import { buildPushXml, newMsgId, type FollowerAction } from './push-xml';
import { FOLLOWER_PHOTO } from './media';
import { grantAllowance } from './reply-allowance';
import type { Follower, NewInboxEntry, SandboxState } from './state';

/**
 * The follower's phone: `POST /sandbox/followers/{openid}/messages` makes WeChat's push to the app
 * and shows the reply; `GET …/inbox` is the chat history; `GET /sandbox/followers` lists everyone,
 * `POST /sandbox/followers` adds many at once (no pushes), `POST …/settings` sets what the follower
 * turned off on the phone.
 */
export interface FollowerDeps {
  state: SandboxState;
  options: SandboxOptions;
  aesKey: Buffer;
}

type Answer = { status: number; json: unknown };

/** What WeChat shows a follower when the account's server failed to answer. */
export const SERVICE_UNAVAILABLE = '该公众号暂时无法提供服务，请稍后再试';

const MESSAGES = /^\/sandbox\/followers\/([^/]+)\/messages$/;
const INBOX = /^\/sandbox\/followers\/([^/]+)\/inbox$/;
const SETTINGS = /^\/sandbox\/followers\/([^/]+)\/settings$/;
const MAX_BULK = 10_000;

export async function handleFollowers(method: string, path: string, query: URLSearchParams, rawBody: string, deps: FollowerDeps): Promise<Answer | null> {
  if (path === '/sandbox/followers' && method === 'GET') return { status: 200, json: { followers: [...deps.state.followers.values()].map(describe) } };
  if (path === '/sandbox/followers' && method === 'POST') return addFollowers(rawBody, deps.state);
  const settings = SETTINGS.exec(path);
  if (settings && method === 'POST') return changeSettings(decodeURIComponent(settings[1]!), rawBody, deps.state);
  const inbox = INBOX.exec(path);
  if (inbox && method === 'GET') {
    const openid = decodeURIComponent(inbox[1]!);
    const after = Number(query.get('after') ?? 0);
    if (!Number.isSafeInteger(after) || after < 0) return { status: 400, json: { error: '"after" must be a non-negative integer (a seq)' } };
    return { status: 200, json: { openid, entries: deps.state.inboxOf(openid, after) } };
  }
  const messages = MESSAGES.exec(path);
  if (messages && method === 'POST') {
    const openid = decodeURIComponent(messages[1]!);
    if (!OPENID.test(openid)) return { status: 400, json: { error: 'openid in the path must be 1–64 characters of A-Z a-z 0-9 _ -' } };
    const parsed = parseJson(rawBody);
    if (!parsed.ok) return { status: 400, json: { error: parsed.error } };
    const request = parseFollowerRequest(parsed.value, deps.options.pushMode);
    if (!request.ok) return { status: 400, json: { error: request.error } };
    return sendAsFollower(openid, request.value, deps);
  }
  if (path.startsWith('/sandbox/followers')) return { status: 405, json: { error: `${method} ${path} is not a follower route` } };
  return null;
}

function describe(f: Follower) {
  return {
    openid: f.openid,
    subscribed: f.subscribed,
    subscribeTime: f.subscribeTime,
    subscribeScene: f.subscribeScene,
    qrScene: f.qrScene,
    qrSceneStr: f.qrSceneStr,
    lastInteractionAt: f.lastInteractionAt ?? null,
    blocksTemplates: f.blocksTemplates === true,
  };
}

/** `{"openids": [...]}`: followers who subscribed some time ago, made without pushes (for big mass-send tests). */
function addFollowers(rawBody: string, state: SandboxState): Answer {
  const parsed = parseJson(rawBody);
  const openids = parsed.ok ? (parsed.value as { openids?: unknown } | undefined)?.openids : undefined;
  if (!Array.isArray(openids) || openids.length === 0 || openids.length > MAX_BULK || openids.some((o) => typeof o !== 'string' || !OPENID.test(o))) {
    return { status: 400, json: { error: `"openids" must be a list of 1–${MAX_BULK} openids (1–64 characters of A-Z a-z 0-9 _ -)` } };
  }
  let created = 0;
  for (const openid of new Set(openids as string[])) {
    if (state.followers.has(openid)) continue;
    state.follower(openid, true);
    created++;
  }
  return { status: 200, json: { created, existing: new Set(openids).size - created } };
}

/** `{"blocksTemplates": true}`: the follower turned off the account's notices (template messages). */
function changeSettings(openid: string, rawBody: string, state: SandboxState): Answer {
  const follower = state.followers.get(openid);
  if (!follower) return { status: 404, json: { error: `the sandbox has never seen ${openid}` } };
  const parsed = parseJson(rawBody);
  const body = parsed.ok ? parsed.value : undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { status: 400, json: { error: 'body must be a JSON object like {"blocksTemplates": true}' } };
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'blocksTemplates') return { status: 400, json: { error: `unknown setting ${JSON.stringify(key)}: the sandbox knows blocksTemplates` } };
    if (typeof value !== 'boolean') return { status: 400, json: { error: '"blocksTemplates" must be true or false' } };
  }
  if ('blocksTemplates' in body) follower.blocksTemplates = (body as { blocksTemplates: boolean }).blocksTemplates;
  return { status: 200, json: describe(follower) };
}

/** Interactions that open the 48-hour customer-service window (VIEW and LOCATION do not). */
function opensWindow(a: FollowerAction): boolean {
  return a.type !== 'event' || a.event === 'subscribe' || a.event === 'SCAN' || a.event === 'CLICK';
}

async function sendAsFollower(openid: string, req: FollowerRequest, deps: FollowerDeps): Promise<Answer> {
  const { state, options } = deps;
  const { action } = req;
  const subscribing = action.type === 'event' && action.event === 'subscribe';
  const existing = state.followers.get(openid);
  if (subscribing && existing?.subscribed) {
    return { status: 409, json: { error: `${openid} already follows the account; a follower who scans a QR code again sends SCAN` } };
  }
  if (!subscribing && existing && !existing.subscribed) {
    return { status: 409, json: { error: `${openid} does not follow the account; send {"type":"event","event":"subscribe"} first` } };
  }
  const follower = state.follower(openid, !subscribing);
  const now = state.now();
  applyToFollower(follower, action, now);

  const createTime = Math.floor(now / 1000);
  const msgId = action.type !== 'event' ? newMsgId(now) : undefined;
  if (action.type === 'image') {
    state.media.set(action.mediaId, { type: 'image', contentType: 'image/png', fileName: 'photo.png', bytes: FOLLOWER_PHOTO, createdAt: now });
  }
  const plainXml = buildPushXml({ toUser: options.originalId, openid, createTime, msgId }, action);
  const sent = state.append(openid, outEntry(action));

  const target = {
    options,
    aesKey: deps.aesKey,
    now: () => state.now(),
    openid,
    plainXml,
    mode: req.mode,
    pushKind: action.type !== 'event' ? ('message' as const) : ('event' as const),
  };
  const attempts = await Promise.all(Array.from({ length: req.deliveries }, () => deliverPush(target)));
  const shown = pick(attempts);
  sent.delivery = { status: shown.status, ...(shown.error ? { error: shown.error } : {}) };

  const unsubscribing = action.type === 'event' && action.event === 'unsubscribe';
  if (shown.error && !unsubscribing) {
    state.append(openid, {
      direction: 'in',
      channel: 'system',
      msgType: 'notice',
      content: SERVICE_UNAVAILABLE,
      delivery: { status: shown.status, error: shown.error },
    });
  } else if (shown.reply && !unsubscribing && shown.reply.msgType !== 'transfer_customer_service') {
    const { createTime: _replyTime, ...shownReply } = shown.reply;
    state.append(openid, { direction: 'in', channel: 'passive', ...shownReply });
  }
  const warnings = [...new Set(attempts.flatMap((a) => a.warnings).concat(menuWarning(action, state)))];
  return {
    status: 200,
    json: {
      status: shown.status,
      reply: shown.reply,
      raw: shown.raw,
      ...(shown.error ? { error: shown.error } : {}),
      ...(warnings.length ? { warnings } : {}),
      push: { xml: plainXml, createTime, ...(msgId ? { msgId } : {}), mode: req.mode },
      ...(req.deliveries > 1 ? { attempts: attempts.map(({ status, reply, raw, error }) => ({ status, reply, raw, ...(error ? { error } : {}) })) } : {}),
    },
  };
}

function applyToFollower(f: Follower, action: FollowerAction, now: number): void {
  if (action.type === 'event' && action.event === 'subscribe') {
    const key = action.eventKey ?? '';
    const scene = key.startsWith('qrscene_') ? key.slice('qrscene_'.length) : undefined;
    f.subscribed = true;
    f.subscribeTime = Math.floor(now / 1000);
    f.subscribeScene = scene !== undefined ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH';
    const numeric = scene !== undefined && /^\d{1,10}$/.test(scene) && Number(scene) <= 0xffffffff;
    f.qrScene = numeric ? Number(scene) : 0;
    f.qrSceneStr = scene !== undefined && !numeric ? scene : '';
  }
  if (action.type === 'event' && action.event === 'unsubscribe') f.subscribed = false;
  if (opensWindow(action)) {
    f.lastInteractionAt = now;
    grantAllowance(f, action.type === 'event' ? 'event' : 'message', now);
  }
}

function outEntry(action: FollowerAction): NewInboxEntry {
  if (action.type === 'text') return { direction: 'out', channel: 'push', msgType: 'text', content: action.content };
  if (action.type === 'image') return { direction: 'out', channel: 'push', msgType: 'image', mediaId: action.mediaId };
  return { direction: 'out', channel: 'push', msgType: 'event', event: action.event, ...(action.eventKey !== undefined ? { eventKey: action.eventKey } : {}) };
}

/** What the phone shows when WeChat pushed several times: the first good answer, else the first failure. */
function pick(attempts: PushAttempt[]): PushAttempt {
  return attempts.find((a) => !a.error && a.reply) ?? attempts.find((a) => !a.error) ?? attempts[0]!;
}

function menuWarning(action: FollowerAction, state: SandboxState): string[] {
  if (action.type !== 'event' || (action.event !== 'CLICK' && action.event !== 'VIEW')) return [];
  const field = action.event === 'CLICK' ? 'key' : 'url';
  const buttons = (state.menu ?? []).flatMap((b) => [b, ...b.sub_button]);
  if (buttons.some((b) => b[field] === action.eventKey)) return [];
  return [`no button of the published menu has ${field} ${JSON.stringify(action.eventKey)}; a real phone could not send this ${action.event}`];
}
