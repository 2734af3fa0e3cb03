import { fillNamed } from '../autoreply/placeholders';
import { z } from 'zod';
import { HH_MM } from '../clock/timeZone';
import { segmentSchema } from '../segments/segment';

/**
 * A re-engagement rule: a real service event (or dormancy) turned into a notice — free text inside
 * the 48-hour window, a template notice outside it — at most once per member per cooldown.
 */
const trigger = z.discriminatedUnion('type', [
  /** No interaction for `days` days; paired with a real benefit. */
  z.object({ type: z.literal('dormant'), days: z.number().int().min(7).max(180).default(14) }),
  /** Points of a lot that expires in `withinDays` days (the day's lots, from the expiry index). */
  z.object({ type: z.literal('pointsExpiring'), withinDays: z.number().int().min(1).max(30).default(7) }),
  /** An unused coupon whose validity ends in `withinDays` days (1 = tomorrow). */
  z.object({ type: z.literal('couponExpiring'), withinDays: z.number().int().min(1).max(14).default(1) }),
  /** A level change (upgrade), told once, within minutes. */
  z.object({ type: z.literal('levelChanged') }),
  /** Signed in yesterday with a streak of at least `minStreak` days, not yet today: runs at `runAt` (e.g. 20:00). */
  z.object({ type: z.literal('streakAtRisk'), minStreak: z.number().int().min(2).max(365).default(3) }),
  /** A wallet balance of at least `minFen` left since a credit `afterDays` days ago. */
  z.object({ type: z.literal('walletUnclaimed'), afterDays: z.number().int().min(1).max(30).default(3), minFen: z.number().int().min(1).default(100) }),
]);

const noticeTemplate = z.object({
  templateId: z.string().min(1).max(64),
  /** Values may use the placeholders of the trigger, e.g. `{points} 积分将于 {date} 到期`. */
  data: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/), z.string().min(1).max(200))
    .refine((d) => Object.keys(d).length > 0, 'give at least one template field'),
  url: z.url().max(1024).optional(),
});

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes'),
    name: z.string().min(1).max(80),
    enabled: z.boolean().default(true),
    trigger,
    /** Only members in this segment (the CRM filter language); everyone subscribed when absent. */
    segment: segmentSchema.optional(),
    /** Inside the 48-hour window the text goes as a customer-service message; outside, the template. */
    notice: z.object({ text: z.string().min(1).max(600), template: noticeTemplate.optional() }),
    /** What the member gets with a dormancy touch: a reason to come back, not just a reminder. */
    benefit: z.union([z.object({ points: z.number().int().min(1).max(100_000) }), z.object({ couponTemplateId: z.string().min(1).max(64) })]).optional(),
    cooldownDays: z.number().int().min(1).max(90).default(7),
    /** A member who interacts within this many days after a touch counts as re-engaged. */
    attributionDays: z.number().int().min(1).max(30).default(7),
    /** Daily rules run once a day from this local time; level changes go within a minute. */
    runAt: z.string().regex(HH_MM, 'HH:MM in the account time zone').default('10:00'),
  })
  .superRefine((r, ctx) => {
    if (r.trigger.type !== 'dormant') return;
    if (!r.benefit)
      ctx.addIssue({
        code: 'custom',
        path: ['benefit'],
        message: 'a dormancy touch must carry a real benefit (points or a coupon): a bare "we miss you" is marketing, not service',
      });
    if (r.cooldownDays < 14)
      ctx.addIssue({ code: 'custom', path: ['cooldownDays'], message: 'dormant members are touched about twice a month at most: use 14 days or more' });
  });

export type ReengagementRule = z.infer<typeof ruleSchema>;

export const rulesSchema = z.object({ rules: z.array(ruleSchema).max(50) }).superRefine((v, ctx) => {
  const seen = new Set<string>();
  v.rules.forEach((r, i) => {
    if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id ${r.id} is used twice` });
    seen.add(r.id);
  });
});

/** `{points}` → the fact; unknown placeholders stay as written so a typo shows in the preview. */
export function fillFacts(text: string, facts: Record<string, string>): string {
  return fillNamed(text, facts);
}
