import type { ConfigDocument } from '../store/configDocument';
import type { Clock } from '../clock/clock';
import { ok, type Result } from '../result';
import type { AgentMessage } from './agentMessage';

/** A saved answer an agent sends with one click. */
export interface QuickReply {
  id: string;
  title: string;
  reply: AgentMessage;
}

export const MAX_QUICK_REPLIES = 100;

export async function listQuickReplies(doc: ConfigDocument<QuickReply[]>): Promise<Result<{ replies: QuickReply[] }>> {
  return ok({ replies: await doc.get() });
}

export async function saveQuickReplies(
  ports: { doc: ConfigDocument<QuickReply[]>; clock: Clock },
  replies: QuickReply[],
): Promise<Result<{ replies: QuickReply[] }>> {
  await ports.doc.put(replies, ports.clock.now());
  return ok({ replies });
}
