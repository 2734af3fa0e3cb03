import { conditionalJson } from '../http/etag';
import { failureResponse, respond } from '../http/respond';
import type { HttpResult } from '../http/response';
import { withBody, type Route, type RouteRequest } from '../http/router';
import type { MediaBytes } from '../wechat/api';
import type { Role } from '../identity/roles';
import type { ConfigDocument } from '../store/configDocument';
import { invalidField } from '../result';
import { addNote } from './addNote';
import { claimConversation } from './claimConversation';
import { closeConversation } from './closeConversation';
import { conversationHistory } from './conversationHistory';
import { BadInboxCursor } from './dynamoInbox';
import type { InboxPorts } from './inboxPorts';
import { historyQuerySchema, listQuerySchema, noteSchema, quickRepliesSchema, replySchema, uploadSchema } from './inboxSchemas';
import { fetchMedia, uploadImage, type MediaPorts } from './media';
import { listConversations, type AssigneeFilter, type ConversationEntry } from './listConversations';
import { listQuickReplies, saveQuickReplies, type QuickReply } from './quickReplies';
import { replyToMember, type ReplyPorts } from './replyToMember';

/** The people who talk to followers: agents, and operators who stand in for them. */
const AGENTS: readonly Role[] = ['agent', 'operator'];

export interface InboxRoutePorts extends ReplyPorts {
  quickReplyDocument: ConfigDocument<QuickReply[]>;
  media: MediaPorts;
}

/** The bytes as API Gateway passes binary on (base64), their type kept; media_ids do not change, so browsers may keep them. */
const mediaResponse = ({ contentType, bytes }: MediaBytes): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': contentType, 'cache-control': 'private, max-age=86400' },
  body: bytes.toString('base64'),
  isBase64Encoded: true,
});

function assigneeFilter(value: string | undefined, req: RouteRequest): AssigneeFilter {
  if (value === undefined) return { kind: 'anyone' };
  if (value === 'none') return { kind: 'none' };
  return { kind: 'person', id: value === 'me' ? req.principal.sub : value };
}

/** The list's tag leaves out the numbers that change as seconds pass: it changes when a conversation does. */
const withoutClock = ({ waitedSeconds: _w, windowLeftSeconds: _l, ...rest }: ConversationEntry) => rest;

async function listRoute(ports: InboxPorts, req: RouteRequest) {
  return withBody(listQuerySchema, req.query, async (q) => {
    try {
      const listed = await listConversations(ports, { ...q, assignee: assigneeFilter(q.assignee, req) });
      if (!listed.ok) return failureResponse(listed.error);
      return conditionalJson(req, listed.value, { ...listed.value, conversations: listed.value.conversations.map(withoutClock) });
    } catch (err) {
      if (err instanceof BadInboxCursor) return failureResponse(invalidField('cursor', err.message).error);
      throw err;
    }
  });
}

/** The agents' inbox: conversations, claiming, replies, notes, closing, quick replies (lib/handoff). */
export function inboxRoutes(ports: InboxRoutePorts): Route[] {
  const openidOf = (req: RouteRequest) => req.params.openid!;
  return [
    { method: 'GET', path: '/admin/conversations', roles: AGENTS, run: (req) => listRoute(ports, req) },
    {
      method: 'POST',
      path: '/admin/conversations/{openid}/claim',
      roles: AGENTS,
      run: async (req) => respond(await claimConversation(ports, openidOf(req), req.principal)),
    },
    {
      method: 'POST',
      path: '/admin/conversations/{openid}/replies',
      roles: AGENTS,
      run: (req) => withBody(replySchema, req.body, async (reply) => respond(await replyToMember(ports, openidOf(req), req.principal, reply))),
    },
    {
      method: 'POST',
      path: '/admin/conversations/{openid}/notes',
      roles: AGENTS,
      run: (req) => withBody(noteSchema, req.body, async ({ text }) => respond(await addNote(ports, openidOf(req), req.principal, text))),
    },
    {
      method: 'POST',
      path: '/admin/conversations/{openid}/close',
      roles: AGENTS,
      run: async (req) => respond(await closeConversation(ports, openidOf(req), req.principal)),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/conversation',
      roles: AGENTS,
      run: (req) =>
        withBody(historyQuerySchema, req.query, async (page) => {
          const result = await conversationHistory(ports, openidOf(req), page);
          return result.ok ? conditionalJson(req, result.value) : failureResponse(result.error);
        }),
    },
    {
      method: 'GET',
      path: '/admin/media/{mediaId}',
      roles: AGENTS,
      run: async (req) => respond(await fetchMedia(ports.media, req.params.mediaId!), mediaResponse),
    },
    {
      method: 'POST',
      path: '/admin/media',
      roles: AGENTS,
      // The audit log keeps the upload's size, not the image.
      audit: { outline: true },
      run: (req) => withBody(uploadSchema, req.body, async (image) => respond(await uploadImage(ports.media, image))),
    },
    { method: 'GET', path: '/admin/quick-replies', roles: AGENTS, run: async () => respond(await listQuickReplies(ports.quickReplyDocument)) },
    {
      method: 'PUT',
      path: '/admin/quick-replies',
      roles: ['operator'],
      run: (req) =>
        withBody(quickRepliesSchema, req.body, async ({ replies }) =>
          respond(await saveQuickReplies({ doc: ports.quickReplyDocument, clock: ports.clock }, replies)),
        ),
    },
  ];
}
