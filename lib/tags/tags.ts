import { z } from 'zod';

/** WeChat allows 20 tags on one follower; we keep the same limit so tags can be mirrored there. */
export const MAX_TAGS_PER_MEMBER = 20;

export const tagNameSchema = z
  .string()
  .trim()
  .min(1, 'a tag has 1–32 characters')
  .max(32, 'a tag has 1–32 characters')
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), 'a tag has no control characters');

export const tagChangeSchema = z
  .strictObject({
    add: z.array(tagNameSchema).max(MAX_TAGS_PER_MEMBER).default([]),
    remove: z.array(tagNameSchema).max(MAX_TAGS_PER_MEMBER).default([]),
  })
  .refine((c) => c.add.length + c.remove.length > 0, 'give tags to add or remove')
  .superRefine((c, ctx) => {
    const both = c.add.filter((t) => c.remove.includes(t));
    if (both.length) ctx.addIssue({ code: 'custom', path: ['remove'], message: `a tag cannot be added and removed at once: ${both.join(', ')}` });
  });
export type TagChange = z.infer<typeof tagChangeSchema>;

export type TagPlan =
  | { status: 'ok'; tags: string[]; added: string[]; removed: string[] }
  | { status: 'too-many'; tags: string[]; wouldHave: number };

/** The member's tags after a change: removals first, new tags appended in order, duplicates ignored. */
export function planTagChange(current: readonly string[], change: { add: readonly string[]; remove: readonly string[] }): TagPlan {
  const removed = current.filter((t) => change.remove.includes(t));
  const kept = current.filter((t) => !change.remove.includes(t));
  const added: string[] = [];
  for (const t of change.add) if (!kept.includes(t) && !added.includes(t)) added.push(t);
  const tags = [...kept, ...added];
  if (tags.length > MAX_TAGS_PER_MEMBER && added.length > 0) return { status: 'too-many', tags: [...current], wouldHave: tags.length };
  return { status: 'ok', tags, added, removed };
}
