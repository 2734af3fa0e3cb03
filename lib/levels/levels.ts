/** A member level; thresholds and benefits are validated by levelsSchema.ts on the admin side. */
export interface Level {
  name: string;
  /** Reached when lifetime points reach this (omit for spend-only levels). */
  minLifetimePoints?: number;
  /** Reached when lifetime spend in fen reaches this (omit for points-only levels). */
  minSpendFen?: number;
  benefits: { pointsMultiplier: number; vipCampaigns: boolean; redPacketMultiplier: number };
}

const benefits = (b: Partial<Level['benefits']> = {}): Level['benefits'] => ({ pointsMultiplier: 1, vipCampaigns: false, redPacketMultiplier: 1, ...b });

export const DEFAULT_LEVELS: Level[] = [
  { name: '普通', minLifetimePoints: 0, benefits: benefits() },
  { name: '银卡', minLifetimePoints: 500, minSpendFen: 50_000, benefits: benefits({ pointsMultiplier: 1.2 }) },
  { name: '金卡', minLifetimePoints: 2_000, minSpendFen: 200_000, benefits: benefits({ pointsMultiplier: 1.5, redPacketMultiplier: 1.5 }) },
  { name: '钻石', minLifetimePoints: 10_000, minSpendFen: 1_000_000, benefits: benefits({ pointsMultiplier: 2, vipCampaigns: true, redPacketMultiplier: 2 }) },
];

function reached(level: Level, lifetimePoints: number, spendFen: number): boolean {
  return (
    (level.minLifetimePoints !== undefined && lifetimePoints >= level.minLifetimePoints) || (level.minSpendFen !== undefined && spendFen >= level.minSpendFen)
  );
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
export function progressToNext(
  levels: readonly Level[],
  current: string,
  lifetimePoints: number,
  spendFen: number,
): { next: Level; pointsNeeded?: number; spendNeededFen?: number } | undefined {
  const next = levels[rankOf(levels, current) + 1];
  if (!next) return undefined;
  return {
    next,
    ...(next.minLifetimePoints !== undefined ? { pointsNeeded: Math.max(0, next.minLifetimePoints - lifetimePoints) } : {}),
    ...(next.minSpendFen !== undefined ? { spendNeededFen: Math.max(0, next.minSpendFen - spendFen) } : {}),
  };
}
