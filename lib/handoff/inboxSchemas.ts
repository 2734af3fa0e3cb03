import { z } from 'zod';
import type { AgentMessage } from './agentMessage';
import { MAX_UPLOAD_BYTES, UPLOAD_TYPES } from './media';
import { MAX_QUICK_REPLIES, type QuickReply } from './quickReplies';

const webUrl = z
  .string()
  .trim()
  .max(1024)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');

/** A message an agent sends (WeChat's limits: a text of up to 2,000 characters, one article per news message). */
export const agentMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().trim().min(1).max(2000) }),
  z.strictObject({ type: z.literal('image'), mediaId: z.string().trim().min(1).max(128) }),
  z.strictObject({
    type: z.literal('news'),
    article: z.strictObject({
      title: z.string().trim().min(1).max(64),
      description: z.string().trim().max(120).optional(),
      url: webUrl,
      picUrl: webUrl.optional(),
    }),
  }),
]) satisfies z.ZodType<AgentMessage, unknown>;

const quickReplyId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1–64)');

export const replySchema = z.union([agentMessageSchema, z.strictObject({ quickReplyId })]);

export const noteSchema = z.strictObject({ text: z.string().trim().min(1).max(2000) });

/** A quick reply's `reply`: a message, or a plain string for a text. */
const quickReplyMessage = z.union([
  z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .transform((text): AgentMessage => ({ type: 'text', text })),
  agentMessageSchema,
]);

export const quickRepliesSchema = z
  .strictObject({
    replies: z.array(z.strictObject({ id: quickReplyId, title: z.string().trim().min(1).max(40), reply: quickReplyMessage })).max(MAX_QUICK_REPLIES),
  })
  .superRefine(({ replies }, ctx) => {
    const ids = new Set<string>();
    replies.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['replies', i, 'id'], message: `quick reply id ${r.id} is used twice` });
      ids.add(r.id);
    });
  }) satisfies z.ZodType<{ replies: QuickReply[] }, unknown>;

export const listQuerySchema = z.object({
  state: z.enum(['waiting', 'open', 'closed']).default('waiting'),
  assignee: z.string().trim().min(1).max(128).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const historyQuerySchema = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

/** An image to upload: base64 of at most 2 MB (the decoded size is checked again). */
export const uploadSchema = z.strictObject({
  fileName: z.string().trim().min(1).max(128),
  contentType: z.enum(UPLOAD_TYPES),
  dataBase64: z
    .string()
    .min(1)
    .max(Math.ceil(MAX_UPLOAD_BYTES / 3) * 4 + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
});
