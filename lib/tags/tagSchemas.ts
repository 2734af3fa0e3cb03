import { z } from 'zod';
import { MAX_TAGS_PER_MEMBER } from './tags';

// Admin-side validation only: the callback tags members through tags.ts without zod.
export const tagNameSchema = z
  .string()
  .trim()
  .min(1, 'a tag has 1–32 characters')
  .max(32, 'a tag has 1–32 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
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
