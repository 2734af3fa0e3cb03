import type { Clock } from '../clock/clock';
import type { CompiledRules } from '../autoreply/engine';
import { findDefaultReply, findTextReply, findWelcome } from '../autoreply/engine';
import { fillPlaceholders } from '../autoreply/placeholders';
import type { ReplySpec, Rule } from '../autoreply/rule';
import type { Interaction, Member } from '../members/member';
import type { MemberStore } from '../members/memberStore';
import { dedupKey, type EventMessage, type InboundMessage } from '../wechat/message';
import { buildReplyXml, type Reply } from '../wechat/reply';
import { UNKNOWN_ACTION_REPLY, type ActionContext, type ActionRegistry, type Triggered } from './actions';
import { DeadlineExceeded, isDeadlineExceeded, pauseWithin, within, type Deadline } from '../deadline/deadline';
import { describeError, log } from '../observability/log';
import type { Claim, DedupState, DedupStore } from './dedupStore';
import { interactionOf } from './interactionOf';
import type { HistoryStore } from '../history/historyStore';
import { inboundMessage, replyMessage } from '../history/fromWeChat';
import type { ConversationMessage, SentBy } from '../history/message';
import { DEFAULT_HANDOFF_SETTINGS, isHandledByPerson, type HandoffSettings, type HandoffVia } from '../handoff/handoff';
import { requestHandoff, type HandoffRequests } from '../handoff/requestHandoff';
import { metric } from '../observability/metrics';

export interface ConversationPorts {
  dedup: DedupStore;
  members: MemberStore;
  rules: () => Promise<CompiledRules>;
  actions: ActionRegistry;
  /** Actions configured at run time (a red-packet campaign's keyword or menu key); keywords win over auto-reply rules. */
  triggers?: {
    keyword(text: string, nowMs: number): Promise<Triggered | undefined>;
    menu(key: string, nowMs: number): Promise<Triggered | undefined>;
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
  /** The member's conversation: each push and its passive reply, one write, beside storing the reply. */
  history?: Pick<HistoryStore, 'record'>;
  /** Handing the follower to a person (keywords, the HANDOFF menu key and rule action); without it HANDOFF is an unknown action. */
  handoff?: { settings: () => Promise<HandoffSettings>; requests: HandoffRequests };
  clock: Clock;
  timeZone: string;
}

export const SORRY_REPLY: Reply = { type: 'text', content: '抱歉，系统有点忙，请稍后再试。' };

/** The menu key and rule action that hand the follower to a person. */
export const HANDOFF_ACTION = 'HANDOFF';

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

  let delivered: Delivered;
  try {
    delivered = await within(work, () => firstDelivery(message, key, ports, work));
  } catch (err) {
    // Every effect is keyed (on this push's dedup key, the day, the round), so giving the claim back
    // is safe even when a write landed without its answer: a WeChat retry runs the push again and
    // finds what was done.
    await within(deadline, () => ports.dedup.release(key)).catch((e: unknown) =>
      log.warn('dedup claim not released; it lapses with its lease', { key, ...describeError(e) }),
    );
    const sorry = apologise(message, ports, 'answering the push', err);
    if (sorry.degraded === 'failed')
      await recordHistory(message, ports, deadline, conversationOf(message, key, ports, sorry.xml === 'success' ? undefined : apology));
    return sorry;
  }
  const { xml } = delivered;
  // The follower gets the real answer even if it cannot be stored; a retry then waits, and after the
  // claim's lease runs the push again (nothing doubles). The history write runs beside it: one write.
  await Promise.all([
    within(deadline, () => ports.dedup.complete(key, xml, ports.clock.now())).catch((err: unknown) =>
      log.warn('reply not stored for retries', { key, ...describeError(err) }),
    ),
    recordHistory(message, ports, deadline, delivered.history),
  ]);
  return { xml, replayed: false };
}

interface Delivered {
  xml: string;
  /** What the history keeps of the push (none for WeChat's job reports). */
  history?: ConversationMessage[];
}

/** What the router answered, and who or what answered it (the history's `by`). */
interface Routed {
  reply: Reply;
  by: SentBy;
}

const apology: Routed = { reply: SORRY_REPLY, by: { kind: 'apology' } };

/**
 * The push (its id is the dedup key) and its reply (`<key>:reply`). A push run again after its claim
 * was lost is a second item with the same ids, so a reader can tell the two apart from two pushes.
 */
function conversationOf(message: InboundMessage, key: string, ports: ConversationPorts, routed: Routed | undefined): ConversationMessage[] {
  const at = new Date(ports.clock.now()).toISOString();
  const reply = routed && replyMessage(routed.reply, `${key}:reply`, at, routed.by);
  return [inboundMessage(message, key, at), ...(reply ? [reply] : [])];
}

/** Never changes the follower's answer: a failure is logged and counted. */
async function recordHistory(message: InboundMessage, ports: ConversationPorts, deadline: Deadline, messages: ConversationMessage[] | undefined) {
  if (!ports.history || !messages) return;
  const history = ports.history;
  await within(deadline, () => history.record(message.openid, messages)).catch((err: unknown) => {
    metric('HistoryWriteFailures', 1);
    log.warn('conversation history not written', { openid: message.openid, ...describeError(err) });
  });
}

async function firstDelivery(message: InboundMessage, key: string, ports: ConversationPorts, deadline: Deadline): Promise<Delivered> {
  const now = ports.clock.now();
  const system = message.kind === 'event' ? ports.systemEvents?.get(message.event) : undefined;
  if (system) {
    await system(message as EventMessage, now);
    return { xml: 'success' };
  }
  const interaction = interactionOf(message, now);
  const member = await ports.members.recordInteraction(message.openid, interaction);
  // Counting runs beside routing: the follower's reply does not wait for the daily numbers.
  const counted = ports.onInteraction?.(message.openid, interaction, member);
  const routed = await route({ member, message, nowMs: now, dedupKey: key, deadline }, ports);
  await counted;
  return { xml: buildReplyXml(routed.reply, message.openid, message.toUser, now), history: conversationOf(message, key, ports, routed) };
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

const NOTHING: Routed = { reply: { type: 'none' }, by: { kind: 'follower' } };

async function route(ctx: ActionContext, ports: ConversationPorts): Promise<Routed> {
  const { message, member } = ctx;
  const when = { nowMs: ctx.nowMs, timeZone: ports.timeZone };
  const settings = ports.handoff ? await ports.handoff.settings() : DEFAULT_HANDOFF_SETTINGS;
  if (message.kind === 'text' && ports.handoff && settings.keywords.includes(message.content.trim())) return handOff(ctx, ports, 'keyword');
  // While a person has the conversation, what the follower writes is theirs to answer: keyword
  // rules, campaign keywords and default replies stay quiet. Menu clicks (sign-in…) still work.
  if (message.kind !== 'event' && isHandledByPerson(member.handoff, ctx.nowMs, settings.idleMinutes)) return NOTHING;
  if (message.kind === 'text') {
    const triggered = await ports.triggers?.keyword(message.content, ctx.nowMs);
    if (triggered) return { reply: await triggered.action(ctx), by: { kind: 'campaign', id: triggered.campaignId } };
    const found = findTextReply(await ports.rules(), message.content, when);
    if (!found) return NOTHING;
    const tags = found.rule.tags;
    const tagged = tags && (tags.add.length || tags.remove.length) ? ports.tagMember?.(member.openid, tags) : undefined;
    const routed = await render(found.reply, ctx, ports, ruleBy(found.rule));
    await tagged;
    return routed;
  }
  if (message.kind !== 'event') {
    const found = findDefaultReply(await ports.rules(), when);
    return found ? render(found.reply, ctx, ports, ruleBy(found.rule)) : NOTHING;
  }
  switch (message.event) {
    case 'subscribe': {
      const found = findWelcome(await ports.rules(), when);
      return found ? render(found.reply, ctx, ports, { kind: 'welcome', id: found.rule.id }) : NOTHING;
    }
    case 'CLICK':
      return runAction(message.eventKey, ctx, ports, 'menu');
    default:
      return NOTHING;
  }
}

const ruleBy = (rule: Rule): SentBy => (rule.match.type === 'default' ? { kind: 'default', id: rule.id } : { kind: 'rule', id: rule.id });

function handOff(ctx: ActionContext, ports: ConversationPorts, via: HandoffVia): Promise<Routed> | Routed {
  if (!ports.handoff) return { reply: UNKNOWN_ACTION_REPLY, by: { kind: 'action', name: HANDOFF_ACTION } };
  const handoff = ports.handoff;
  return requestHandoff({ ...handoff, timeZone: ports.timeZone }, ctx.member, via, ctx.nowMs).then((reply) => ({ reply, by: { kind: 'handoff' } }));
}

async function runAction(name: string, ctx: ActionContext, ports: ConversationPorts, via: HandoffVia): Promise<Routed> {
  if (name === HANDOFF_ACTION) return handOff(ctx, ports, via);
  const action = ports.actions.get(name);
  if (action) return { reply: await action(ctx), by: { kind: 'action', name } };
  const triggered = await ports.triggers?.menu(name, ctx.nowMs);
  if (triggered) return { reply: await triggered.action(ctx), by: { kind: 'campaign', id: triggered.campaignId } };
  return { reply: UNKNOWN_ACTION_REPLY, by: { kind: 'action', name } };
}

/** A rule's reply; `by` names the rule (an action it hands to names the action). */
async function render(spec: ReplySpec, ctx: ActionContext, ports: ConversationPorts, by: SentBy): Promise<Routed> {
  const member: Member = ctx.member;
  switch (spec.type) {
    case 'action':
      return runAction(spec.action, ctx, ports, 'rule');
    case 'text':
      return { reply: { type: 'text', content: fillPlaceholders(spec.content, member) }, by };
    case 'news':
      return { reply: { type: 'news', articles: spec.articles.map((a) => ({ ...a, title: fillPlaceholders(a.title, member) })) }, by };
    case 'image':
      return { reply: spec, by };
  }
}
