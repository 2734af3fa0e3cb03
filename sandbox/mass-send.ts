import type { JobEvents } from './job-events';
import type { SendLimits } from './send-limits';
import type { NewInboxEntry, SandboxState } from './state';
import { wxError, type ErrCode } from './wechat-errors';

/**
 * `POST /cgi-bin/message/mass/send`: one message to a list of 2–10,000 openids, as a service
 * account sends it. Each follower receives at most `massMonthlyQuota` mass messages a calendar month;
 * those over it and those who unfollowed are filtered out, openids the account never saw count as
 * errors. A `clientmsgid` used in the last 24 hours is refused (45065) with the first job's msg_id.
 */
export interface MassDeps {
  state: SandboxState;
  limits: SendLimits;
  jobs: JobEvents;
}

type Json = Record<string, unknown>;

export const MIN_OPENIDS = 2;
export const MAX_OPENIDS = 10_000;
const CLIENTMSGID_WINDOW_MS = 24 * 3600 * 1000;
const CLIENTMSGID_MAX_BYTES = 64;

const err = (code: ErrCode, detail?: string): Json => ({ ...wxError(code, detail) });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function massSend(body: Json, { state, limits, jobs }: MassDeps): Json {
  const list = body.touser;
  if (!Array.isArray(list) || list.some((o) => typeof o !== 'string')) return err(47001, 'touser must be a list of openids');
  if (list.length < MIN_OPENIDS) return err(40130);
  if (list.length > MAX_OPENIDS) return err(40130, `at most ${MAX_OPENIDS} openids`);
  const message = massMessage(body);
  if (!message.ok) return message.error;
  if (body.send_ignore_reprint !== undefined && body.send_ignore_reprint !== 0 && body.send_ignore_reprint !== 1)
    return err(47001, 'send_ignore_reprint must be 0 or 1');
  const clientMsgId = body.clientmsgid;
  if (clientMsgId !== undefined && (typeof clientMsgId !== 'string' || Buffer.byteLength(clientMsgId) > CLIENTMSGID_MAX_BYTES)) {
    return err(47001, `clientmsgid must be a string of at most ${CLIENTMSGID_MAX_BYTES} bytes`);
  }
  const now = state.now();
  const earlier = clientMsgId ? state.massSends.get(clientMsgId) : undefined;
  if (earlier && now - earlier.at < CLIENTMSGID_WINDOW_MS) return { ...err(45065), msg_id: earlier.msgId };

  const openids = [...new Set(list as string[])];
  const ready: string[] = [];
  let unknown = 0;
  for (const openid of openids) {
    const follower = state.followers.get(openid);
    if (!follower) unknown++;
    else if (follower.subscribed && limits.hasMassQuota(openid)) ready.push(openid);
  }
  if (ready.length === 0)
    return unknown === openids.length
      ? err(40003, 'no openid of the list follows the account')
      : err(45028, 'nobody in the list can receive another mass message this month');

  const msgId = state.newMsgId();
  for (const openid of ready) {
    state.append(openid, { ...message.entry, msgid: msgId });
    limits.countMass(openid);
  }
  if (clientMsgId) state.massSends.set(clientMsgId, { msgId, at: now });
  const counts = { totalCount: openids.length, filterCount: ready.length + unknown, sentCount: ready.length, errorCount: unknown };
  jobs.massFinished(msgId, ready[0]!, counts);
  // WeChat returns msg_data_id for news (mpnews) only.
  return { errcode: 0, errmsg: 'send job submission success', msg_id: msgId, ...(message.entry.msgType === 'mpnews' ? { msg_data_id: state.newMsgId() } : {}) };
}

/**
 * `POST /cgi-bin/message/mass/preview`: the mass message shown to one follower (an operator checking
 * it on their phone); it uses no quota and produces no job report.
 */
export function massPreview(body: Json, { state }: Pick<MassDeps, 'state'>): Json {
  const follower = typeof body.touser === 'string' ? state.followers.get(body.touser) : undefined;
  if (!follower) return err(40003);
  if (!follower.subscribed) return err(43004);
  const message = massMessage(body);
  if (!message.ok) return message.error;
  const msgId = state.newMsgId();
  state.append(follower.openid, { ...message.entry, msgid: msgId });
  return { errcode: 0, errmsg: 'preview success', msg_id: msgId };
}

function massMessage(body: Json): { ok: true; entry: NewInboxEntry } | { ok: false; error: Json } {
  const refuse = (code: ErrCode, detail: string) => ({ ok: false as const, error: err(code, detail) });
  const type = body.msgtype;
  const part = typeof type === 'string' ? body[type] : undefined;
  if ((type !== 'text' && type !== 'mpnews') || !isObject(part))
    return refuse(40008, 'the sandbox emulates mass msgtype text and mpnews, each with its object');
  const base = { direction: 'in' as const, channel: 'mass' as const, msgType: type };
  if (type === 'text') {
    if (typeof part.content !== 'string' || part.content === '') return refuse(44004, 'text.content is empty');
    return { ok: true, entry: { ...base, content: part.content } };
  }
  if (typeof part.media_id !== 'string' || part.media_id === '') return refuse(40007, 'mpnews.media_id is required');
  return { ok: true, entry: { ...base, mediaId: part.media_id } };
}
