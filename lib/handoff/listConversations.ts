import { MESSAGE_WINDOW_MS, type Member } from '../members/member';
import { ok, type Result } from '../result';
import { isHandledByPerson, type ConversationState, type Handoff, type HandoffVia } from './handoff';
import type { InboxPorts } from './inboxPorts';
import { closeIdle } from './closeConversation';

/** At most this many waiting (or open) conversations are read at once: the inbox is a short list by nature. */
export const MAX_ACTIVE_CONVERSATIONS = 500;

export interface ConversationEntry {
  openid: string;
  nickname?: string;
  state: ConversationState;
  via: HandoffVia;
  requestedAt: string;
  waitingSince?: string;
  /** How long the follower has waited for a person's answer (0 when nobody waits). */
  waitedSeconds: number;
  assignee?: { id: string; name: string };
  lastMessage?: { direction: 'in' | 'out'; at: string; preview: string };
  level: string;
  tags: string[];
  /** What is left of WeChat's 48-hour customer-service window (0 when closed or lapsed). */
  windowLeftSeconds: number;
  /** The bot answers the follower again: closed, or the team has been idle past the timeout. */
  botAnswering: boolean;
}

export interface ConversationList {
  conversations: ConversationEntry[];
  cursor?: string;
}

/** Who the list is filtered to: an agent's `sub`, the caller (`me`), or conversations nobody has (`none`). */
export type AssigneeFilter = { kind: 'anyone' } | { kind: 'none' } | { kind: 'person'; id: string };

type WithHandoff = Member & { handoff: Handoff };

const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
const waitingFrom = (m: WithHandoff) => m.waitingSince ?? m.handoff.requestedAt;

function lastMessageOf(m: WithHandoff): ConversationEntry['lastMessage'] {
  const inbound = m.lastInbound && { direction: 'in' as const, ...m.lastInbound };
  const reply = m.handoff.lastReply && { direction: 'out' as const, ...m.handoff.lastReply };
  if (!inbound || !reply) return inbound || reply || undefined;
  return inbound.at >= reply.at ? inbound : reply;
}

function entryOf(m: WithHandoff, nowMs: number, idleMinutes: number): ConversationEntry {
  const h = m.handoff;
  const open = h.state !== 'closed';
  const waiting = open && (m.waitingSince !== undefined || h.state === 'waiting');
  const windowEnd = m.lastMessageAt ? Date.parse(m.lastMessageAt) + MESSAGE_WINDOW_MS : 0;
  const lastMessage = lastMessageOf(m);
  return {
    openid: m.openid,
    ...(m.nickname ? { nickname: m.nickname } : {}),
    state: h.state,
    via: h.via,
    requestedAt: h.requestedAt,
    ...(m.waitingSince ? { waitingSince: m.waitingSince } : {}),
    waitedSeconds: waiting ? seconds(nowMs - Date.parse(waitingFrom(m))) : 0,
    ...(h.assignee ? { assignee: h.assignee } : {}),
    ...(lastMessage ? { lastMessage } : {}),
    level: m.level,
    tags: m.tags,
    windowLeftSeconds: open && m.subscribed ? seconds(windowEnd - nowMs) : 0,
    botAnswering: !isHandledByPerson(h, nowMs, idleMinutes),
  };
}

const matchesAssignee = (filter: AssigneeFilter) => (m: WithHandoff) =>
  filter.kind === 'anyone' || (filter.kind === 'none' ? !m.handoff.assignee : m.handoff.assignee?.id === filter.id);

const hasHandoff = (m: Member): m is WithHandoff => m.handoff !== undefined;

/**
 * The inbox. Waiting and open conversations all at once, the longest-waiting follower first (the
 * open ones the team let go idle past the timeout are closed first, as `idle`: the bot has taken
 * over); closed ones newest first, a page at a time.
 */
export async function listConversations(
  ports: InboxPorts,
  query: { state: ConversationState; assignee: AssigneeFilter; cursor?: string; limit: number },
): Promise<Result<ConversationList>> {
  const [settings, nowMs] = [await ports.settings(), ports.clock.now()];
  const entry = (m: WithHandoff) => entryOf(m, nowMs, settings.idleMinutes);
  if (query.state === 'closed') {
    const page = await ports.inbox.closed({ cursor: query.cursor, limit: query.limit });
    const conversations = page.members.filter(hasHandoff).filter(matchesAssignee(query.assignee)).map(entry);
    return ok({ conversations, ...(page.cursor ? { cursor: page.cursor } : {}) });
  }
  let members = (await ports.inbox.inState(query.state, MAX_ACTIVE_CONVERSATIONS)).filter((m): m is WithHandoff => m.handoff?.state === query.state);
  if (query.state === 'open') members = await closeIdle(ports, members, nowMs, settings.idleMinutes);
  const conversations = members
    .filter(matchesAssignee(query.assignee))
    .sort((a, b) => waitingFrom(a).localeCompare(waitingFrom(b)) || a.openid.localeCompare(b.openid))
    .map(entry);
  return ok({ conversations });
}
