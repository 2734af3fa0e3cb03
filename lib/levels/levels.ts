import { z } from 'zod';

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
});
export type Level = z.infer<typeof levelSchema>;

/** Levels from lowest to highest; the first is the entry level every member starts at. */
export const levelsSchema = z
  .object({ levels: z.array(levelSchema).min(1).max(20) })
  .superRefine(({ levels }, ctx) => {
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

export const DEFAULT_LEVELS: Level[] = levelsSchema.parse({
  levels: [
    { name: '普通', minLifetimePoints: 0 },
    { name: '银卡', minLifetimePoints: 500, minSpendFen: 50_000, benefits: { pointsMultiplier: 1.2 } },
    { name: '金卡', minLifetimePoints: 2_000, minSpendFen: 200_000, benefits: { pointsMultiplier: 1.5, redPacketMultiplier: 1.5 } },
    { name: '钻石', minLifetimePoints: 10_000, minSpendFen: 1_000_000, benefits: { pointsMultiplier: 2, vipCampaigns: true, redPacketMultiplier: 2 } },
  ],
}).levels;

function reached(level: Level, lifetimePoints: number, spendFen: number): boolean {
  return (level.minLifetimePoints !== undefined && lifetimePoints >= level.minLifetimePoints) || (level.minSpendFen !== undefined && spendFen >= level.minSpendFen);
}

/** The highest level reached by points or by spend (either path counts). */
export function levelFor(levels: readonly Level[], lifetimePoints: number, spendFen: number): Level {
  let found = levels[0]!;
  for (const level of levels.slice(1)) if (reached(level, lifetimePoints, spendFen)) found = level;
  return found;
}

export function rankOf(levels: readonly Level[], name: string): number {
  return levels.findIndex((l) => l.name === name);
}

/** The next level and what is missing to reach it, for "my account". */
export function progressToNext(levels: readonly Level[], current: string, lifetimePoints: number, spendFen: number): { next: Level; pointsNeeded?: number; spendNeededFen?: number } | undefined {
  const next = levels[rankOf(levels, current) + 1];
  if (!next) return undefined;
  return {
    next,
    ...(next.minLifetimePoints !== undefined ? { pointsNeeded: Math.max(0, next.minLifetimePoints - lifetimePoints) } : {}),
    ...(next.minSpendFen !== undefined ? { spendNeededFen: Math.max(0, next.minSpendFen - spendFen) } : {}),
  };
}
