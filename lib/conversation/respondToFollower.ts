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
import type { DedupStore } from './dedupStore';
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
  /** How long a retry waits for the first delivery of the same push to finish. */
  waitForFirstMs?: number;
}

export const SORRY_REPLY: Reply = { type: 'text', content: '抱歉，系统有点忙，请稍后再试。' };

/**
 * One push in, one reply out (`success` when there is nothing to say), exactly once: a retry of a
 * push we already answered gets the stored reply, and a retry that arrives while the first delivery
 * is still running waits for it rather than running the effects again.
 */
export async function respondToFollower(message: InboundMessage, ports: ConversationPorts): Promise<{ xml: string; replayed: boolean }> {
  const key = dedupKey(message);
  const claim = await ports.dedup.claim(key, ports.clock.now());
  if (claim.status === 'done') return { xml: claim.reply, replayed: true };
  if (claim.status === 'pending') return { xml: await waitForFirstDelivery(key, ports), replayed: true };

  let xml: string;
  try {
    const now = ports.clock.now();
    const system = message.kind === 'event' ? ports.systemEvents?.get(message.event) : undefined;
    if (system) {
      await system(message as EventMessage, now);
      await ports.dedup.complete(key, 'success', ports.clock.now());
      return { xml: 'success', replayed: false };
    }
    const interaction = interactionOf(message, now);
    const member = await ports.members.recordInteraction(message.openid, interaction);
    // Counting runs beside routing: the follower's reply does not wait for the daily numbers.
    const counted = ports.onInteraction?.(message.openid, interaction, member);
    const reply = await route({ member, message, nowMs: now, dedupKey: key }, ports);
    await counted;
    xml = buildReplyXml(reply, message.openid, message.toUser, now);
  } catch (err) {
    // Let WeChat's next retry run it again; effects are keyed on the dedup key, so nothing doubles.
    await ports.dedup.release(key).catch(() => undefined);
    throw err;
  }
  await ports.dedup.complete(key, xml, ports.clock.now());
  return { xml, replayed: false };
}

async function waitForFirstDelivery(key: string, ports: ConversationPorts): Promise<string> {
  const deadline = Date.now() + (ports.waitForFirstMs ?? 3500);
  for (let pause = 50; Date.now() < deadline; pause = Math.min(pause * 2, 400)) {
    await new Promise((r) => setTimeout(r, pause));
    const state = await ports.dedup.read(key);
    if (state.status === 'done') return state.reply;
  }
  // WeChat will retry again; by then the first delivery's reply is stored.
  return 'success';
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
