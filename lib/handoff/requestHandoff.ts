import type { Member } from '../members/member';
import type { Reply } from '../wechat/reply';
import { inboxIndexKeys, isHandledByPerson, type Handoff, type HandoffSettings, type HandoffVia } from './handoff';
import { isInsideServiceHours } from './serviceHours';

/** Writes a new waiting conversation on the profile, unless someone changed the conversation since it was read. */
export interface HandoffRequests {
  /** `seen`: the conversation as the caller read it (none: there was none). */
  open(openid: string, handoff: Handoff, seen: Handoff | undefined): Promise<'opened' | 'changed'>;
}

export interface RequestHandoffPorts {
  settings: () => Promise<HandoffSettings>;
  requests: HandoffRequests;
  timeZone: string;
}

/** The answer while a person already has the conversation (WeChat's own wording for it). */
export const ALREADY_HANDLED_REPLY: Reply = { type: 'text', content: '客服正在处理您的问题，请稍候' };

/**
 * A follower asks for a person (a keyword, the menu button, a rule's HANDOFF action). In the
 * console's inbox mode the conversation becomes waiting and the follower is told when to expect an
 * answer (inside or outside service hours); in WeChat mode the session goes to WeChat's own
 * customer-service system. When a person already handles it, nothing changes: the follower is
 * asked to wait.
 */
export async function requestHandoff(ports: RequestHandoffPorts, member: Member, via: HandoffVia, nowMs: number): Promise<Reply> {
  const settings = await ports.settings();
  if (settings.mode === 'wechat') return { type: 'transfer_customer_service' };
  if (isHandledByPerson(member.handoff, nowMs, settings.idleMinutes)) return ALREADY_HANDLED_REPLY;
  const at = new Date(nowMs).toISOString();
  const handoff: Handoff = { state: 'waiting', via, requestedAt: at, lastTeamAt: at };
  // An agent claiming at this very moment wins: the follower is then in a person's hands already.
  if ((await ports.requests.open(member.openid, handoff, member.handoff)) === 'changed') return ALREADY_HANDLED_REPLY;
  const inHours = isInsideServiceHours(settings.serviceHours, nowMs, ports.timeZone);
  return { type: 'text', content: inHours ? settings.ackInHours : settings.ackOutOfHours };
}

/** The profile attributes a new waiting conversation sets. */
export function waitingConversation(openid: string, handoff: Handoff) {
  return { handoff, waitingSince: handoff.requestedAt, ...inboxIndexKeys(openid, handoff) };
}
