import { z } from 'zod';
import { RE2JS } from 're2js';
import { HH_MM } from '../clock/timeZone';
import { tagNameSchema } from '../tags/tagSchemas';

const articleSchema = z.object({
  title: z.string().min(1).max(64),
  description: z.string().max(512).optional(),
  picUrl: z.url().max(1024).optional(),
  url: z.url().max(1024).optional(),
});

/** What a rule answers. `action` hands the message to a registered action (e.g. 签到 → SIGN_IN). */
export const replySpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), content: z.string().min(1).max(2048) }),
  // WeChat shows at most 8 articles in a passive news reply (1 since 2018 for some accounts).
  z.object({ type: z.literal('news'), articles: z.array(articleSchema).min(1).max(8) }),
  z.object({ type: z.literal('image'), mediaId: z.string().min(1).max(128) }),
  z.object({ type: z.literal('action'), action: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an action key like SIGN_IN') }),
]);
export type ReplySpec = z.infer<typeof replySpecSchema>;

const patternSchema = z.string().min(1).max(200);

export const matchSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exact'), pattern: patternSchema, caseSensitive: z.boolean().optional() }),
  z.object({ type: z.literal('contains'), pattern: patternSchema, caseSensitive: z.boolean().optional() }),
  z.object({
    type: z.literal('regex'),
    // RE2 semantics: linear-time matching, so no pattern can backtrack catastrophically.
    pattern: patternSchema.refine((p) => compilesAsRe2(p), { message: 'not a valid RE2 regular expression (no backreferences or lookarounds)' }),
    caseSensitive: z.boolean().optional(),
  }),
  z.object({ type: z.literal('subscribe') }),
  z.object({ type: z.literal('default') }),
]);

export const ruleInputSchema = z.object({
  name: z.string().max(64).optional(),
  match: matchSchema,
  reply: replySpecSchema,
  /** Lower numbers are tried first. */
  priority: z.number().int().min(0).max(100_000).default(100),
  activeHours: z
    .object({ start: z.string().regex(HH_MM, 'HH:MM'), end: z.string().regex(HH_MM, 'HH:MM') })
    .refine((w) => w.start !== w.end, { message: 'start and end must differ' })
    .optional(),
  enabled: z.boolean().default(true),
  /** Tagging by rule: a follower whose message this rule answers gets (or loses) these tags. */
  tags: z.object({ add: z.array(tagNameSchema).max(5).default([]), remove: z.array(tagNameSchema).max(5).default([]) }).optional(),
});
export type RuleInput = z.infer<typeof ruleInputSchema>;
export type Rule = RuleInput & { id: string; updatedAt: string };

export function compilesAsRe2(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}
