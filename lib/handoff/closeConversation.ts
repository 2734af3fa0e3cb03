import type { Principal } from '../identity/roles';
import type { Member } from '../members/member';
import { conflict, notFound, ok, type Result } from '../result';
import { isHandledByPerson, type Handoff } from './handoff';
import { isoAt, type InboxPorts } from './inboxPorts';

const closed = (h: Handoff, at: string, by: string): Handoff => ({ ...h, state: 'closed', closedAt: at, closedBy: by });

/** Closes the member's conversation (whoever has it: a colleague may close for someone away): the bot answers them again. */
export async function closeConversation(ports: InboxPorts, openid: string, by: Principal): Promise<Result<{ handoff: Handoff }>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const member = await ports.inbox.member(openid);
    if (!member) return notFound(`no member ${openid}`);
    const h = member.handoff;
    if (!h || h.state === 'closed') return conflict(`${openid} has no open conversation`);
    const next = closed(h, isoAt(ports.clock.now()), by.username);
    const written = await ports.inbox.replaceHandoff(openid, next, h);
    if (written === 'done') return ok({ handoff: next });
    if (written === 'no-member') return notFound(`no member ${openid}`);
  }
  return conflict(`the conversation with ${openid} keeps changing; try again`);
}

/**
 * Closes, as `idle`, the open conversations the team has let go past the idle timeout (the bot
 * answers those followers already); the rest come back. One that changed meanwhile (a reply just
 * went out) is left as it is now.
 */
export async function closeIdle<M extends Member & { handoff: Handoff }>(ports: InboxPorts, members: M[], nowMs: number, idleMinutes: number): Promise<M[]> {
  const idle = members.filter((m) => !isHandledByPerson(m.handoff, nowMs, idleMinutes));
  const closedNow = await Promise.all(
    idle.map(async (m) => (await ports.inbox.replaceHandoff(m.openid, closed(m.handoff, isoAt(nowMs), 'idle'), m.handoff)) === 'done'),
  );
  const gone = new Set(idle.filter((_m, i) => closedNow[i]).map((m) => m.openid));
  return members.filter((m) => !gone.has(m.openid));
}
