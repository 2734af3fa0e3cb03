import type { Principal } from '../identity/roles';
import { conflict, notFound, ok, type Failed, type Result } from '../result';
import { isHandledByPerson, type Handoff } from './handoff';
import { agentOf, isoAt, type InboxPorts } from './inboxPorts';

/** The answer when someone else has the conversation: who, so the agent can talk to them. */
export const handledBy = (h: Handoff): Failed =>
  conflict(`this conversation is handled by ${h.assignee?.name ?? 'someone else'}`, { assignee: h.assignee ?? null });

/**
 * What claiming makes of the conversation as it is: a waiting one (or one its agent let go idle)
 * becomes the caller's; a member with none, or a closed one, gets a new one the caller started.
 * Undefined when a colleague handles it.
 */
function claimed(h: Handoff | undefined, agent: { id: string; name: string }, nowMs: number, idleMinutes: number): Handoff | undefined {
  const at = isoAt(nowMs);
  if (!h || h.state === 'closed') return { state: 'open', via: 'agent', requestedAt: at, assignee: agent, claimedAt: at, lastTeamAt: at };
  if (h.assignee?.id === agent.id) return h;
  if (h.assignee && isHandledByPerson(h, nowMs, idleMinutes)) return undefined;
  const { closedAt: _closedAt, closedBy: _closedBy, ...rest } = h;
  return { ...rest, state: 'open', assignee: agent, claimedAt: at, lastTeamAt: at };
}

/**
 * An agent takes a conversation. A compare-and-set on the profile: of two agents claiming at once
 * one wins, the other is told who has it (409). Claiming one's own conversation again changes nothing.
 */
export async function claimConversation(ports: InboxPorts, openid: string, by: Principal): Promise<Result<{ handoff: Handoff }>> {
  const agent = agentOf(by);
  const { idleMinutes } = await ports.settings();
  for (let attempt = 0; attempt < 3; attempt++) {
    const member = await ports.inbox.member(openid);
    if (!member) return notFound(`no member ${openid}`);
    const seen = member.handoff;
    const next = claimed(seen, agent, ports.clock.now(), idleMinutes);
    if (!next) return handledBy(seen!);
    if (next === seen) return ok({ handoff: seen });
    const written = await ports.inbox.replaceHandoff(openid, next, seen);
    if (written === 'done') return ok({ handoff: next });
    if (written === 'no-member') return notFound(`no member ${openid}`);
    // Changed meanwhile (most often: a colleague claimed it first): look again.
  }
  return conflict(`the conversation with ${openid} keeps changing; try again`);
}
