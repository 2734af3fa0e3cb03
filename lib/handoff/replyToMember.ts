import { randomUUID } from 'node:crypto';
import { previewOf, type ConversationMessage } from '../history/message';
import type { Principal } from '../identity/roles';
import { describeError, log } from '../observability/log';
import { conflict, notFound, ok, upstream, type Failed, type Result } from '../result';
import type { ApiError, ApiResult } from '../wechat/apiResult';
import type { CustomMessage } from '../wechat/api';
import { customMessageOf, historyBodyOf, type AgentMessage } from './agentMessage';
import { handledBy } from './claimConversation';
import { agentOf, isoAt, type InboxPorts } from './inboxPorts';
import type { QuickReply } from './quickReplies';

export interface ReplyPorts extends InboxPorts {
  /** `/cgi-bin/message/custom/send`, paced by the shared outbound rate. */
  send(message: CustomMessage): Promise<ApiResult<void>>;
  quickReplies(): Promise<QuickReply[]>;
}

export type ReplyRequest = AgentMessage | { quickReplyId: string };

/** Why WeChat refused a customer-service message, and what the agent can do instead. */
const REFUSALS: Record<number, { reason: 'window' | 'too-many' | 'unfollowed'; error: string; instead: string }> = {
  45015: {
    reason: 'window',
    error: 'WeChat refused: the follower has not written for more than 48 hours, so customer-service messages no longer reach them',
    instead: 'Send a service notice with a template (it needs no window), or wait until the follower writes again.',
  },
  45047: {
    reason: 'too-many',
    error: 'WeChat refused: at most 5 messages per follower message (3 within a minute after a menu click, follow or scan)',
    instead: 'Wait for the follower to write: each of their messages allows 5 more.',
  },
  43004: {
    reason: 'unfollowed',
    error: 'WeChat refused: the follower has unfollowed the account',
    instead: 'Nothing reaches them until they follow again; close the conversation.',
  },
};

function refused(e: ApiError): Failed {
  const known = REFUSALS[e.errcode];
  if (known) return conflict(known.error, { errcode: e.errcode, reason: known.reason, instead: known.instead });
  return upstream(`WeChat did not take the message: ${e.errcode} ${e.errmsg}`, { errcode: e.errcode });
}

async function messageOf(ports: ReplyPorts, request: ReplyRequest): Promise<Result<AgentMessage>> {
  if (!('quickReplyId' in request)) return ok(request);
  const found = (await ports.quickReplies()).find((q) => q.id === request.quickReplyId);
  return found ? ok(found.reply) : notFound(`no quick reply ${request.quickReplyId}`);
}

/**
 * The assignee answers the follower through the customer-service API. Only the person handling the
 * conversation may (409 naming who does). Once WeChat took it, it goes into the history (by the
 * agent) and onto the conversation (last reply, the team's last action; the follower waits no more).
 */
export async function replyToMember(
  ports: ReplyPorts,
  openid: string,
  by: Principal,
  request: ReplyRequest,
): Promise<Result<{ message: ConversationMessage }>> {
  const [member, message] = await Promise.all([ports.inbox.member(openid), messageOf(ports, request)]);
  if (!member) return notFound(`no member ${openid}`);
  if (!message.ok) return message;
  const h = member.handoff;
  if (!h || h.state === 'closed') return conflict(`${openid} has no open conversation: claim it first`, { assignee: null });
  if (h.assignee?.id !== by.sub) return h.assignee ? handledBy(h) : conflict('nobody has claimed this conversation: claim it first', { assignee: null });
  const sent = await ports.send(customMessageOf(openid, message.value));
  if (!sent.ok) return refused(sent.error);
  const body = historyBodyOf(message.value);
  const at = isoAt(ports.clock.now());
  const entry = { ...body, id: `agent:${randomUUID()}`, direction: 'out', at, by: { kind: 'agent', ...agentOf(by) } } as ConversationMessage;
  // It went out: a failure to write it down is logged, never answered as a failure (the agent would send it twice).
  await Promise.all([ports.history.record(openid, [entry]), ports.inbox.recordTeamReply(openid, { at, preview: previewOf(body) })]).catch((err: unknown) =>
    log.warn('inbox: a reply went out but writing it down failed', { openid, ...describeError(err) }),
  );
  return ok({ message: entry });
}
