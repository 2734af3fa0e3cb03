import { z } from 'zod';
import { HH_MM } from '../clock/timeZone';
import { segmentSchema } from '../segments/segment';

/** Template data as operators write it: `{ "thing1": "…" }` or WeChat's `{ "thing1": { "value": "…" } }`. */
const templateData = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'a template keyword like thing1 or time2'),
    z.union([z.string().max(200), z.object({ value: z.string().max(200), color: z.string().max(32).optional() })]),
  )
  .refine((d) => Object.keys(d).length > 0, 'give at least one template field')
  .transform(
    (d) =>
      Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'string' ? { value: v } : v])) as Record<string, { value: string; color?: string }>,
  );

export const templateNoticeSchema = z.object({
  templateId: z.string().min(1).max(64),
  data: templateData,
  url: z.url().max(1024).optional(),
});

const customMessage = z.object({
  channel: z.literal('custom'),
  text: z.string().min(1).max(2000),
  /** Members outside the 48-hour window get this service notice instead of being skipped. */
  outsideWindow: templateNoticeSchema.optional(),
});

const templateMessage = templateNoticeSchema.extend({ channel: z.literal('template') });

const massMessage = z
  .object({
    channel: z.literal('mass'),
    text: z.string().min(1).max(2000).optional(),
    /** A published article (mpnews) by its media_id. */
    mediaId: z.string().min(1).max(128).optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.mediaId === undefined), 'give either text or mediaId');

export const broadcastMessageSchema = z.discriminatedUnion('channel', [customMessage, templateMessage, massMessage]);

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const quietHoursSchema = z.object({
  start: z.string().regex(HH_MM, 'HH:MM in the account time zone'),
  end: z.string().regex(HH_MM, 'HH:MM in the account time zone'),
});
export type QuietHours = z.infer<typeof quietHoursSchema>;

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '22:00', end: '08:00' };

export const broadcastSchema = z.object({
  name: z.string().min(1).max(80).optional(),
  message: broadcastMessageSchema,
  segment: segmentSchema,
  /** "now", a local time in the account's zone (`2026-12-01T09:00`), or an instant with an offset. */
  sendAt: z.union([z.literal('now'), z.string().regex(LOCAL_TIME), z.string().regex(WITH_OFFSET)], {
    error: 'use "now", a local time like 2026-12-01T09:00 (account time zone) or an ISO instant with an offset',
  }),
  /** Held until `end` when due inside them; null sends at any hour. */
  quietHours: quietHoursSchema.nullable().default(DEFAULT_QUIET_HOURS),
  /** At most `max` broadcasts per member in any `days` days (this one included). */
  frequencyCap: z
    .object({ max: z.number().int().min(1).max(50), days: z.number().int().min(1).max(28) })
    .nullable()
    .default(null),
});
export type BroadcastInput = z.input<typeof broadcastSchema>;
export type BroadcastConfig = z.infer<typeof broadcastSchema>;

export const previewSchema = z.object({
  openids: z.array(z.string().min(1).max(64)).min(1).max(20),
});
