import { z } from 'zod';
import type { Level } from './levels';

// Admin-side validation only: the callback bundle imports levels.ts, not zod.
export const levelSchema = z.object({
  name: z.string().min(1).max(16),
  /** Reached when lifetime points reach this (omit for spend-only levels). */
  minLifetimePoints: z.number().int().min(0).optional(),
  /** Reached when lifetime spend in fen reaches this (omit for points-only levels). */
  minSpendFen: z.number().int().min(0).optional(),
  benefits: z
    .object({
      pointsMultiplier: z.number().min(1).max(10).default(1),
      vipCampaigns: z.boolean().default(false),
      redPacketMultiplier: z.number().min(1).max(10).default(1),
    })
    .default({ pointsMultiplier: 1, vipCampaigns: false, redPacketMultiplier: 1 }),
}) satisfies z.ZodType<Level, unknown>;

/** Levels from lowest to highest; the first is the entry level every member starts at. */
export const levelsSchema = z.object({ levels: z.array(levelSchema).min(1).max(20) }).superRefine(({ levels }, ctx) => {
  const names = new Set<string>();
  levels.forEach((l, i) => {
    if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: ['levels', i, 'name'], message: `level ${l.name} appears twice` });
    names.add(l.name);
    if (i > 0 && l.minLifetimePoints === undefined && l.minSpendFen === undefined) {
      ctx.addIssue({ code: 'custom', path: ['levels', i], message: 'a level above the first needs minLifetimePoints or minSpendFen' });
    }
    const prev = levels[i - 1];
    if (prev && l.minLifetimePoints !== undefined && prev.minLifetimePoints !== undefined && l.minLifetimePoints <= prev.minLifetimePoints) {
      ctx.addIssue({ code: 'custom', path: ['levels', i, 'minLifetimePoints'], message: 'thresholds must grow from one level to the next' });
    }
  });
});
