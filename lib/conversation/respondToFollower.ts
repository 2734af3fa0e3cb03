import type { Clock } from '../clock/clock';
import type { CompiledRules } from '../autoreply/engine';
import { findDefaultReply, findTextReply, findWelcome } from '../autoreply/engine';
import { fillPlaceholders } from '../autoreply/placeholders';
import type { ReplySpec } from '../autoreply/rule';
import type { Interaction, Member } from '../members/member';
import type { MemberStore } from '../members/memberStore';
import { dedupKey, type EventMessage, type InboundMessage } from '../wechat/message';
import { buildReplyXml, type Reply } from '../wechat/reply';
import { UNKNOWN_ACTION_REPLY, type Action, type ActionContext, type ActionRegistry } from './actions';
import { DeadlineExceeded, isDeadlineExceeded, pauseWithin, within, type Deadline } from '../deadline/deadline';
import { describeError, log } from '../observability/log';
import type { Claim, DedupState, DedupStore } from './dedupStore';
import { interactionOf } from './interactionOf';

export interface ConversationPorts {
  dedup: DedupStore;
  members: MemberStore;
  rules: () => Promise<CompiledRules>;
  actions: ActionRegistry;
  /** Actions configured at run time (a red-packet campaign's keyword or menu key); keywords win over auto-reply rules. */
  triggers?: {
    keyword(text: string, nowMs: number): Promise<Action | undefined>;
    menu(key: string, nowMs: number): Promise<Action | undefined>;
  };
  /**
   * WeChat's own reports (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH): not the follower interacting,
   * so they touch neither the profile nor the 48-hour window; handled once, answered with nothing.
   */
  systemEvents?: ReadonlyMap<string, (message: EventMessage, nowMs: number) => Promise<void>>;
  /** Applies a rule's tags to the member (tagging by rule); must not throw. */
  tagMember?: (openid: string, change: { add: string[]; remove: string[] }) => Promise<void>;
  /** Told about every first delivery (daily numbers); must not throw. */
  onInteraction?: (openid: string, interaction: Interaction, member: Member) => Promise<void>;
  clock: Clock;
  timeZone: string;
}

export const SORRY_REPLY: Reply = { type: 'text', content: '抱歉，系统有点忙，请稍后再试。' };

/**
 * Kept back from the push's work for what must follow it: storing the reply (or giving the claim
 * back) and sealing the answer. The work itself is cut off this long before the deadline.
 */
export const ANSWER_RESERVE_MS = 400;

export interface FollowerAnswer {
  /** The passive reply, or `success`. */
  xml: string;
  /** Answered from an earlier delivery of the same push (its stored reply, or by waiting for it). */
  replayed: boolean;
  /** Set when the push could not be answered (storage failed, or the deadline came first): the follower got the apology (or nothing). */
  degraded?: 'failed' | 'deadline';
}

/**
 * One push in, one reply out (`success` when there is nothing to say), exactly once, and always by
 * the deadline: a retry of a push we already answered gets the stored reply, a retry that arrives
 * while the first delivery is still running waits for it (within its own deadline) rather than
 * running the effects again, and when storage fails or is too slow the follower gets a polite
 * "try again" instead of WeChat's error notice.
 */
export async function respondToFollower(message: InboundMessage, ports: ConversationPorts, deadline: Deadline): Promise<FollowerAnswer> {
  const key = dedupKey(message);
  const work = deadline.less(ANSWER_RESERVE_MS);
  let claim: Claim;
  try {
    claim = await within(work, () => ports.dedup.claim(key, ports.clock.now()));
  } catch (err) {
    return apologise(message, ports, 'claiming the push', err);
  }
  if (claim.status === 'done') return { xml: claim.reply, replayed: true };
  if (claim.status === 'pending') return waitForFirstDelivery(message, key, ports, work);

  let xml: string;
  try {
    xml = await within(work, () => firstDelivery(message, key, ports, work));
  } catch (err) {
    // Every effect is keyed (on this push's dedup key, the day, the round), so giving the claim back
    // is safe even when a write landed without its answer: a WeChat retry runs the push again and
    // finds what was done.
    await within(deadline, () => ports.dedup.release(key)).catch((e: unknown) =>
      log.warn('dedup claim not released; it lapses with its lease', { key, ...describeError(e) }),
    );
    return apologise(message, ports, 'answering the push', err);
  }
  // The follower gets the real answer even if it cannot be stored; a retry then waits, and after the
  // claim's lease runs the push again (nothing doubles).
  await within(deadline, () => ports.dedup.complete(key, xml, ports.clock.now())).catch((err: unknown) =>
    log.warn('reply not stored for retries', { key, ...describeError(err) }),
  );
  return { xml, replayed: false };
}

async function firstDelivery(message: InboundMessage, key: string, ports: ConversationPorts, deadline: Deadline): Promise<string> {
  const now = ports.clock.now();
  const system = message.kind === 'event' ? ports.systemEvents?.get(message.event) : undefined;
  if (system) {
    await system(message as EventMessage, now);
    return 'success';
  }
  const interaction = interactionOf(message, now);
  const member = await ports.members.recordInteraction(message.openid, interaction);
  // Counting runs beside routing: the follower's reply does not wait for the daily numbers.
  const counted = ports.onInteraction?.(message.openid, interaction, member);
  const reply = await route({ member, message, nowMs: now, dedupKey: key, deadline }, ports);
  await counted;
  return buildReplyXml(reply, message.openid, message.toUser, now);
}

/** Between polls of the first delivery's claim; a read takes a few ms, this much is kept for the last one. */
const READ_MS = 150;

async function waitForFirstDelivery(message: InboundMessage, key: string, ports: ConversationPorts, deadline: Deadline): Promise<FollowerAnswer> {
  for (let pause = 50; await pauseWithin(deadline, pause, READ_MS); pause = Math.min(pause * 2, 400)) {
    let state: DedupState;
    try {
      state = await within(deadline, () => ports.dedup.read(key));
    } catch (err) {
      return apologise(message, ports, 'waiting for the first delivery', err);
    }
    if (state.status === 'done') return { xml: state.reply, replayed: true };
    // The first delivery gave up and said sorry; so do we.
    if (state.status === 'absent') break;
  }
  return { ...apologise(message, ports, 'waiting for the first delivery', new DeadlineExceeded('the first delivery did not finish in time')), replayed: true };
}

/** Pushes whose passive reply the follower sees (a reply to unsubscribe, VIEW, LOCATION or a job report is shown to no one). */
function followerSeesReply(message: InboundMessage): boolean {
  return message.kind !== 'event' || message.event === 'subscribe' || message.event === 'CLICK';
}

function apologise(message: InboundMessage, ports: ConversationPorts, what: string, err: unknown): FollowerAnswer {
  const late = isDeadlineExceeded(err);
  // Almost always storage (a throttle, a timeout, an unreachable table); the error says which.
  log.warn(late ? `callback deadline reached while ${what}; answered with an apology` : `callback failed while ${what}; answered with an apology`, {
    openid: message.openid,
    ...describeError(err),
  });
  const xml = followerSeesReply(message) ? buildReplyXml(SORRY_REPLY, message.openid, message.toUser, ports.clock.now()) : 'success';
  return { xml, replayed: false, degraded: late ? 'deadline' : 'failed' };
}

async function route(ctx: ActionContext, ports: ConversationPorts): Promise<Reply> {
  const { message, member } = ctx;
  const when = { nowMs: ctx.nowMs, timeZone: ports.timeZone };
  if (message.kind === 'text') {
    const triggered = await ports.triggers?.keyword(message.content, ctx.nowMs);
    if (triggered) return triggered(ctx);
    const found = findTextReply(await ports.rules(), message.content, when);
    if (!found) return { type: 'none' };
    const tags = found.rule.tags;
    const tagged = tags && (tags.add.length || tags.remove.length) ? ports.tagMember?.(member.openid, tags) : undefined;
    const reply = await render(found.reply, ctx, ports);
    await tagged;
    return reply;
  }
  if (message.kind !== 'event') {
    const found = findDefaultReply(await ports.rules(), when);
    return found ? render(found.reply, ctx, ports) : { type: 'none' };
  }
  switch (message.event) {
    case 'subscribe': {
      const found = findWelcome(await ports.rules(), when);
      return found ? render(found.reply, ctx, ports) : { type: 'none' };
    }
    case 'CLICK':
      return runAction(message.eventKey, ctx, ports);
    default:
      return { type: 'none' };
  }
}

async function runAction(name: string, ctx: ActionContext, ports: ConversationPorts): Promise<Reply> {
  const action = ports.actions.get(name) ?? (await ports.triggers?.menu(name, ctx.nowMs));
  return action ? action(ctx) : UNKNOWN_ACTION_REPLY;
}

function render(spec: ReplySpec, ctx: ActionContext, ports: ConversationPorts): Promise<Reply> | Reply {
  const member: Member = ctx.member;
  switch (spec.type) {
    case 'action':
      return runAction(spec.action, ctx, ports);
    case 'text':
      return { type: 'text', content: fillPlaceholders(spec.content, member) };
    case 'news':
      return { type: 'news', articles: spec.articles.map((a) => ({ ...a, title: fillPlaceholders(a.title, member) })) };
    case 'image':
      return spec;
  }
}
