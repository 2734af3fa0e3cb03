import { randomUUID } from 'node:crypto';
import type { ConversationMessage } from '../history/message';
import type { Principal } from '../identity/roles';
import { notFound, ok, type Result } from '../result';
import { agentOf, isoAt, type InboxPorts } from './inboxPorts';

/**
 * An internal note in the member's conversation: kept in the history (direction `note`), never sent.
 * Any agent may write one; on a conversation not closed it counts as the team acting (idle timeout).
 */
export async function addNote(ports: InboxPorts, openid: string, by: Principal, text: string): Promise<Result<{ message: ConversationMessage }>> {
  const member = await ports.inbox.member(openid);
  if (!member) return notFound(`no member ${openid}`);
  const at = isoAt(ports.clock.now());
  const message: ConversationMessage = { kind: 'text', text, id: `note:${randomUUID()}`, direction: 'note', at, by: { kind: 'agent', ...agentOf(by) } };
  await Promise.all([ports.history.record(openid, [message]), member.handoff ? ports.inbox.recordTeamAction(openid, at) : undefined]);
  return ok({ message });
}
