import { z } from 'zod';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const maxBytes = (n: number, what: string) =>
  z
    .string()
    .min(1)
    .refine((s) => bytes(s) <= n, { message: `${what} is at most ${n} bytes` });

// WeChat's limits: top names ≤ 16 bytes (4 Chinese characters), sub names ≤ 60 bytes, key ≤ 128 bytes, url ≤ 1024 bytes.
const key = maxBytes(128, 'key');
const url = z.url().refine((s) => bytes(s) <= 1024, { message: 'url is at most 1024 bytes' });
const KEYED = ['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select'] as const;

function leaf(name: z.ZodType<string>) {
  return z.discriminatedUnion('type', [
    z.object({ type: z.enum(KEYED), name, key }),
    z.object({ type: z.literal('view'), name, url }),
    // A mini program's AppID is wx + 16 hex digits; a page path and an article id are bounded well above any real one.
    z.object({
      type: z.literal('miniprogram'),
      name,
      url,
      appid: z.string().regex(/^wx[0-9a-f]{16}$/, 'a mini program AppID (wx + 16 hex digits)'),
      pagepath: maxBytes(1024, 'pagepath'),
    }),
    z.object({ type: z.literal('article_id'), name, article_id: maxBytes(256, 'article_id') }),
  ]);
}

const subButton = leaf(maxBytes(60, 'sub-button name'));
const topName = maxBytes(16, 'button name');
const parent = z.object({
  name: topName,
  sub_button: z.array(subButton).min(1, 'a sub-menu needs 1 to 5 buttons').max(5, 'a sub-menu holds at most 5 buttons'),
});

const topLeaf = leaf(topName);
type TopButton = z.infer<typeof parent> | z.infer<typeof topLeaf>;

/** A top button is a sub-menu when it has sub_button: validating it as that one shape gives errors that name the field. */
const topButton = z.unknown().transform((v, ctx): TopButton => {
  const schema = typeof v === 'object' && v !== null && 'sub_button' in v ? parent : topLeaf;
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

export const menuSchema = z
  .object({
    button: z.array(topButton).min(1, 'a menu needs 1 to 3 buttons').max(3, 'a menu holds at most 3 buttons'),
  })
  .superRefine((menu, ctx) => {
    const seen = new Set<string>();
    const keys = menu.button.flatMap((b) => ('sub_button' in b ? b.sub_button : [b])).flatMap((b) => ('key' in b ? [b.key] : []));
    for (const k of keys) {
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `key ${k} is used twice`, path: ['button'] });
      seen.add(k);
    }
  });

export type MenuDefinition = z.infer<typeof menuSchema>;
