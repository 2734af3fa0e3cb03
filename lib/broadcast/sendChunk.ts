import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock';
import { countsBy, tally } from '../observability/metrics';
import type { HistoryStore } from '../history/historyStore';
import type { RateLimiter } from '../ratelimit/rateLimiter';
import { recordDelivered } from './deliveredHistory';
import type { ApiError, ApiResult } from '../wechat/apiResult';
import type { WeChatApi } from '../wechat/api';
import { heldUntil, monthsAround, planDelivery, startOfNextDay, type BroadcastRecord } from './broadcast';
import type { BroadcastStore } from './broadcastStore';
import { isFinal, type ChunkRef, type DeliveryStore, type Outcome, type SendChannel } from './deliveryStore';

/** One SQS message: up to CHUNK_SIZE members of one shard of one broadcast. */
export interface Chunk extends ChunkRef {
  openids: string[];
  /** How many times the chunk was sent back to try again. */
  retries?: number;
}

/** Members per chunk: one transaction holds each member's record, touch and msgid, plus the counter (≤ 100 items). */
export const CHUNK_SIZE = 30;
export const MAX_ATTEMPTS = 5;

export interface SendPolicy {
  ratePerSecond: number;
  massMonthlyQuota: number;
}

export interface SendPorts {
  broadcasts: Pick<BroadcastStore, 'get' | 'save'>;
  deliveries: DeliveryStore;
  api: Pick<WeChatApi, 'sendCustomMessage' | 'sendTemplateMessage' | 'sendMassMessage'>;
  limiter: RateLimiter;
  policy: () => Promise<SendPolicy>;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  timeZone: string;
  /** Where each delivered member's message is kept (their conversation history). */
  history?: Pick<HistoryStore, 'recordMany'>;
  /** How long a claim protects a member from other workers (longer than one chunk can take). */
  leaseMs?: number;
}

export type ChunkResult = { kind: 'done' } | { kind: 'retry' } | { kind: 'hold'; untilMs: number };

const DEFAULT_LEASE_MS = 5 * 60_000;

/** Stable across redeliveries: WeChat drops a second template (same client_msg_id) or mass send (45065). */
const idempotencyKey = (...parts: string[]) => createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);

type Claimed = { openid: string; channel: SendChannel; attempts: number; claimed?: boolean };

/**
 * Sends one chunk of a broadcast, at most once per member whatever crashes or redeliveries happen.
 * Template and mass sends carry an idempotency key derived from the broadcast and the member(s), so
 * a redelivery repeats them and WeChat drops the copy (template: same client_msg_id within 10
 * minutes; mass: 45065); the outcome is settled with a condition, so it counts once. A
 * customer-service message has no such key: it is claimed before the call, and a claim whose
 * worker died is not repeated but settled as `outcome-unknown`.
 */
export async function sendChunk(ports: SendPorts, chunk: Chunk): Promise<ChunkResult> {
  const leaseMs = ports.leaseMs ?? DEFAULT_LEASE_MS;
  const b = await ports.broadcasts.get(chunk.broadcastId);
  if (!b || b.state === 'cancelled') return { kind: 'done' };
  const now = ports.clock.now();
  const hold = heldUntil(b, ports.timeZone, now);
  if (hold) return { kind: 'hold', untilMs: hold };

  const policy = await ports.policy();
  const [month, lastMonth] = monthsAround(now, ports.timeZone);
  const facts = await ports.deliveries.read(chunk, chunk.openids, [month, lastMonth]);
  const settled: Outcome[] = [];
  const wanted: Claimed[] = [];
  let busyElsewhere = false;
  for (const openid of chunk.openids) {
    const record = facts.records.get(openid);
    if (isFinal(record)) continue;
    if (record?.state === 'claimed' && record.claimedAt > now - leaseMs) {
      busyElsewhere = true;
      continue;
    }
    if (record?.state === 'claimed' && record.channel === 'custom') {
      settled.push({ openid, claimed: false, state: 'skipped', reason: 'outcome-unknown' });
      continue;
    }
    const plan = planDelivery(b, facts.members.get(openid), facts.touches.get(openid) ?? [], {
      nowMs: now,
      timeZone: ports.timeZone,
      massMonthlyQuota: policy.massMonthlyQuota,
    });
    const attempts = (record && 'attempts' in record ? record.attempts : 0) + 1;
    if ('skip' in plan) settled.push({ openid, claimed: false, state: 'skipped', reason: plan.skip });
    else wanted.push({ openid, channel: plan.channel, attempts });
  }

  // Only customer-service messages need a claim: template and mass sends carry an idempotency key,
  // so two workers sending the same member send once, and the first to settle is the one counted.
  const token = randomUUID();
  const mustClaim = wanted.filter((w) => w.channel === 'custom');
  const claimedIds = new Set(mustClaim.length ? await ports.deliveries.claim(chunk, mustClaim, token, now, leaseMs, month) : []);
  if (claimedIds.size < mustClaim.length) busyElsewhere = true;
  const toSend = wanted.filter((w) => w.channel !== 'custom' || claimedIds.has(w.openid)).map((w) => ({ ...w, claimed: claimedIds.has(w.openid) }));
  const sent = await sendAll(ports, b, chunk, toSend);
  const outcomes = [...settled, ...sent.outcomes];
  countsBy('Sends', 'outcome', tally(outcomes.map((o) => o.state)));
  await ports.deliveries.finish(chunk, outcomes, token, { nowMs: ports.clock.now(), leaseMs, month, massMsgid: sent.massMsgid });
  await recordDelivered(ports.history, b, sent.outcomes, ports.clock.now());
  for (const o of outcomes) {
    if (o.state === 'skipped' && o.reason === 'unsubscribed' && facts.members.get(o.openid)?.subscribed)
      await ports.deliveries.flagMember(o.openid, 'unsubscribed', now);
    if (o.state === 'failed' && o.errcode === 40003) await ports.deliveries.flagMember(o.openid, 'invalid-openid', now);
  }
  if (sent.quotaStop) return { kind: 'hold', untilMs: await holdForQuota(ports, b.id) };
  return busyElsewhere || outcomes.some((o) => o.state === 'retry') ? { kind: 'retry' } : { kind: 'done' };
}

/** 45009: the template quota is spent for today; the whole broadcast waits for tomorrow. */
async function holdForQuota(ports: SendPorts, id: string): Promise<number> {
  const until = startOfNextDay(ports.timeZone, ports.clock.now());
  for (let attempt = 0; attempt < 5; attempt++) {
    const b = await ports.broadcasts.get(id);
    if (!b || (b.holdUntil && Date.parse(b.holdUntil) >= until)) break;
    const saved = await ports.broadcasts.save(
      { ...b, holdUntil: new Date(until).toISOString(), version: b.version + 1, updatedAt: new Date(ports.clock.now()).toISOString() },
      b.version,
    );
    if (saved === 'saved') break;
  }
  return until;
}

interface Sent {
  outcomes: Outcome[];
  massMsgid?: string;
  quotaStop: boolean;
}

async function sendAll(ports: SendPorts, b: BroadcastRecord, chunk: Chunk, claimed: Claimed[]): Promise<Sent> {
  const out: Sent = { outcomes: [], quotaStop: false };
  const mass = claimed.filter((c) => c.channel === 'mass');
  const single = claimed.filter((c) => c.channel !== 'mass');
  const reservation = await ports.limiter.reserve(single.length + (mass.length ? 1 : 0));
  // Each call starts at its own slot of the reservation, without waiting for the previous answer.
  const results = await Promise.all(
    single.map(async (c, slot) => {
      await ports.limiter.waitFor(reservation, slot);
      if (out.quotaStop) return retryLater(c, 45009, false);
      const result = await sendOne(ports, b, c);
      if (result.state === 'retry' && result.errcode === 45009) out.quotaStop = true;
      return result;
    }),
  );
  out.outcomes.push(...results);
  if (mass.length) {
    await ports.limiter.waitFor(reservation, single.length);
    const r = await sendMass(ports, b, chunk, mass);
    out.outcomes.push(...r.outcomes);
    out.massMsgid = r.msgid;
  }
  return out;
}

const retryLater = (c: Claimed, errcode: number, counts = true): Outcome =>
  counts && c.attempts >= MAX_ATTEMPTS
    ? { openid: c.openid, claimed: !!c.claimed, state: 'failed', errcode, errmsg: `gave up after ${c.attempts} attempts` }
    : { openid: c.openid, claimed: !!c.claimed, state: 'retry', errcode, attempts: counts ? c.attempts : c.attempts - 1 };

/** Idempotent calls are retried here on a transient error; the others only by a later delivery. */
async function withRetries<T>(ports: SendPorts, idempotent: boolean, call: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
  let result = await call();
  for (let i = 0; i < 2 && !result.ok; i++) {
    const kind = result.error.kind;
    // -2 = no answer (timeout, 5xx): the call may have gone through; repeat it only with an idempotency key.
    const retriable = kind === 'rate' || (kind === 'transient' && (idempotent || result.error.errcode === -1));
    if (!retriable) break;
    await ports.sleep(kind === 'rate' ? 1000 : 200 * 4 ** i);
    // A repeat is a call like any other: it takes its own slot of the shared rate.
    await ports.limiter.take();
    result = await call();
  }
  return result;
}

// biome-ignore lint/suspicious/noConfusingVoidType: customer-service sends answer ApiResult<void>, template sends a msgid.
function settle(c: Claimed, result: ApiResult<{ msgid?: string } | void>, channel: SendChannel): Outcome {
  if (result.ok) return { openid: c.openid, claimed: !!c.claimed, state: 'sent', channel, ...(result.value?.msgid ? { msgid: result.value.msgid } : {}) };
  return settleError(c, result.error, channel);
}

function settleError(c: Claimed, e: ApiError, channel: SendChannel): Outcome {
  const base = { openid: c.openid, claimed: !!c.claimed };
  switch (e.kind) {
    case 'duplicate':
      return { ...base, state: 'sent', channel };
    case 'unsubscribed':
      return { ...base, state: 'skipped', reason: 'unsubscribed' };
    case 'window':
      return { ...base, state: 'skipped', reason: e.errcode === 45047 ? 'window-count' : 'outside-window' };
    case 'quota':
      return e.errcode === 45028 ? { ...base, state: 'skipped', reason: 'mass-quota' } : retryLater(c, e.errcode, false);
    case 'transient':
      // No answer to a customer-service message: it may have arrived, and it has no idempotency key.
      if (channel === 'custom' && e.errcode !== -1) return { ...base, state: 'skipped', reason: 'outcome-unknown' };
      return retryLater(c, e.errcode);
    case 'rate':
    case 'token':
      return retryLater(c, e.errcode);
    default:
      return { ...base, state: 'failed', errcode: e.errcode, errmsg: e.errmsg.replace(/ rid: .*$/, '').slice(0, 200) };
  }
}

async function sendOne(ports: SendPorts, b: BroadcastRecord, c: Claimed): Promise<Outcome> {
  const m = b.config.message;
  if (m.channel === 'custom' && c.channel === 'custom') {
    const r = await withRetries(ports, false, () => ports.api.sendCustomMessage({ touser: c.openid, msgtype: 'text', text: { content: m.text } }));
    // Our view of the window can lag WeChat's: fall back to the notice when the broadcast has one.
    if (!r.ok && r.error.kind === 'window' && m.outsideWindow) return sendTemplate(ports, b, c, m.outsideWindow);
    return settle(c, r, 'custom');
  }
  const notice = m.channel === 'template' ? m : m.channel === 'custom' ? m.outsideWindow : undefined;
  if (!notice) return { openid: c.openid, claimed: !!c.claimed, state: 'skipped', reason: 'outside-window' };
  return sendTemplate(ports, b, c, notice);
}

async function sendTemplate(
  ports: SendPorts,
  b: BroadcastRecord,
  c: Claimed,
  t: { templateId: string; data: Record<string, { value: string; color?: string }>; url?: string },
): Promise<Outcome> {
  const clientMsgId = idempotencyKey(b.id, c.openid);
  const r = await withRetries(ports, true, () =>
    ports.api.sendTemplateMessage({ touser: c.openid, template_id: t.templateId, data: t.data, url: t.url, client_msg_id: clientMsgId }),
  );
  return settle(c, r, 'template');
}

async function sendMass(ports: SendPorts, b: BroadcastRecord, chunk: Chunk, members: Claimed[]): Promise<{ outcomes: Outcome[]; msgid?: string }> {
  const m = b.config.message;
  if (m.channel !== 'mass') return { outcomes: members.map((c) => ({ openid: c.openid, claimed: !!c.claimed, state: 'skipped', reason: 'cancelled' })) };
  const ids = members.map((c) => c.openid).sort();
  // WeChat wants at least two openids per list; a list of one names its follower twice.
  const touser = ids.length === 1 ? [ids[0]!, ids[0]!] : ids;
  const clientmsgid = idempotencyKey(b.id, String(chunk.shard), ...ids);
  const content =
    m.text !== undefined ? { msgtype: 'text' as const, text: { content: m.text } } : { msgtype: 'mpnews' as const, mpnews: { media_id: m.mediaId! } };
  const r = await withRetries(ports, true, () => ports.api.sendMassMessage({ touser, clientmsgid, send_ignore_reprint: 0, ...content }));
  if (r.ok) return { outcomes: members.map((c) => ({ openid: c.openid, claimed: !!c.claimed, state: 'sent', channel: 'mass' })), msgid: r.value.msgid };
  return { outcomes: members.map((c) => settleError(c, r.error, 'mass')) };
}
