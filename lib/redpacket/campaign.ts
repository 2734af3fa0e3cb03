import { z } from 'zod';
import { HH_MM, isValidTimeZone } from '../clock/timeZone';
import { segmentSchema } from '../segments/segment';
import { PAYOUT_LIMITS } from './campaignRecord';
import { checkSplit } from './splitRound';

/** ¥100,000,000: far above any campaign, low enough that sums of fen stay exact. */
const MAX_BUDGET_FEN = 10_000_000_000;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

const roundSchema = z.object({
  packets: z.number().int().min(1).max(10_000),
  totalFen: z.number().int().min(1),
  split: z.enum(['lucky', 'equal']),
  minFen: z.number().int().min(1),
  maxFen: z.number().int().min(1),
});

/** A red-packet campaign as marketers write it (see the issue and docs). */
export const campaignSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    description: z.string().max(500).optional(),
    trigger: z
      .object({
        keywords: z.array(z.string().trim().min(1).max(32)).max(10).optional(),
        menuKey: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]{0,63}$/)
          .optional(),
        event: z.string().optional(),
      })
      .refine((t) => (t.keywords?.length ?? 0) > 0 || t.menuKey || t.event, 'give keywords, a menuKey or both'),
    schedule: z
      .object({
        timezone: z.string().refine(isValidTimeZone, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
        daily: z
          .object({ start: z.string().regex(HH_MM, 'HH:MM'), end: z.string().regex(HH_MM, 'HH:MM') })
          .refine((d) => d.start < d.end, { message: 'end must be after start (same day)', path: ['end'] }),
        from: day,
        to: day,
      })
      .refine((s) => s.from <= s.to, { message: 'must not be before from', path: ['to'] }),
    round: roundSchema,
    eligibility: z
      .object({
        segment: segmentSchema.optional(),
        perMemberPerRound: z.number().int().min(1).max(10).default(1),
        perMemberPerDay: z.number().int().min(1).max(10).default(1),
      })
      .default({ perMemberPerRound: 1, perMemberPerDay: 1 }),
    levelMultipliers: z.record(z.string().min(1).max(16), z.number().min(1).max(10)).default({}),
    bestLuckPrize: z
      .object({
        couponTemplateId: z.string().min(1).max(64),
        validUntil: z.literal('endOfWeek').default('endOfWeek'),
        noticeTemplateId: z.string().min(1).max(128).optional(),
        // What the prize costs the brand; left out, the coupon template's amount is used (a free item has none: give it here).
        valueFen: z.number().int().min(0).max(MAX_BUDGET_FEN).optional(),
      })
      .optional(),
    payout: z.object({ mode: z.enum(['wallet', 'transfer', 'redpack']) }),
    budget: z
      .object({ maxFenPerRound: z.number().int().min(1).max(MAX_BUDGET_FEN).optional(), maxFenTotal: z.number().int().min(1).max(MAX_BUDGET_FEN).optional() })
      .optional(),
    mechanics: z.object({ type: z.string().min(1).max(32) }).optional(),
    notices: z.record(z.string(), z.string().max(200)).optional(),
  })
  .superRefine((c, ctx) => {
    const bad = checkSplit(c.round);
    if (bad) ctx.addIssue({ code: 'custom', path: ['round', bad.field], message: bad.error });
    const limits = PAYOUT_LIMITS[c.payout.mode];
    if (c.round.minFen < limits.minFen)
      ctx.addIssue({ code: 'custom', path: ['round', 'minFen'], message: `${c.payout.mode} payouts start at ${limits.minFen} fen` });
    if (c.round.maxFen > limits.maxFen)
      ctx.addIssue({ code: 'custom', path: ['round', 'maxFen'], message: `${c.payout.mode} payouts are at most ${limits.maxFen} fen` });
  });
