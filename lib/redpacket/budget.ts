import { PAYOUT_LIMITS, type PayoutMode } from './campaignRecord';

/**
 * A campaign's hard budget: what the marketer approved, per round and for the whole campaign. It
 * covers the shares, the level bonuses and the best-luck prize. Pure code, shared by the admin API,
 * the grab path and the console's campaign form (which bundles it), so it imports no AWS or zod.
 */
export interface CampaignBudget {
  maxFenPerRound?: number;
  maxFenTotal?: number;
}

/** The parts of a campaign the budget depends on. */
export interface BudgetedCampaign {
  round: { packets: number; totalFen: number };
  schedule: { from: string; to: string };
  levelMultipliers?: Record<string, number>;
  bestLuckPrize?: { valueFen?: number };
  payout: { mode: PayoutMode };
  budget?: CampaignBudget;
}

/** The money a round needs before any bonus: its shares and its prize. */
export const prizeFenOf = (c: Pick<BudgetedCampaign, 'bestLuckPrize'>) => c.bestLuckPrize?.valueFen ?? 0;
export const baseFenOf = (c: Pick<BudgetedCampaign, 'round' | 'bestLuckPrize'>) => c.round.totalFen + prizeFenOf(c);

/** The days from `from` to `to`, both included (0 when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 86_400_000) + 1) : 0;
}

/**
 * The budget in force. Whatever the marketer left out is derived with no room for bonuses: a round
 * may spend its shares and its prize (`round.totalFen + prize`), the campaign that for every day.
 * Campaigns saved before budgets existed read the same way.
 */
export function effectiveBudget(c: BudgetedCampaign): { maxFenPerRound: number; maxFenTotal: number; derived: boolean } {
  const maxFenPerRound = c.budget?.maxFenPerRound ?? baseFenOf(c);
  const maxFenTotal = c.budget?.maxFenTotal ?? daysBetween(c.schedule.from, c.schedule.to) * maxFenPerRound;
  return { maxFenPerRound, maxFenTotal, derived: c.budget?.maxFenPerRound === undefined || c.budget?.maxFenTotal === undefined };
}

/** The highest multiplier a grabber can bring: the campaign's, else each level's own benefit. */
export function maxMultiplier(
  levelMultipliers: Record<string, number>,
  levels: readonly { name: string; benefits: { redPacketMultiplier: number } }[],
): number {
  let max = 1;
  for (const l of levels) max = Math.max(max, Object.hasOwn(levelMultipliers, l.name) ? levelMultipliers[l.name]! : l.benefits.redPacketMultiplier);
  for (const m of Object.values(levelMultipliers)) max = Math.max(max, m);
  return max;
}

export interface WorstCase {
  days: number;
  sharesFen: number;
  prizeFen: number;
  /** The bonuses if every share went to the highest multiplier, before the budget caps them. */
  maxBonusFen: number;
  /** The bonuses the budget lets a round pay at most. */
  bonusRoomFen: number;
  maxFenPerRound: number;
  maxFenTotal: number;
  /** The most a round can pay: shares + bonuses within the cap + prize. */
  perRoundFen: number;
  /** The most the campaign can pay: every day at its worst, within the campaign total. */
  campaignFen: number;
}

/** What the campaign can cost at worst, as the form shows it before saving. */
export function worstCase(c: BudgetedCampaign, levels: readonly { name: string; benefits: { redPacketMultiplier: number } }[]): WorstCase {
  const { maxFenPerRound, maxFenTotal } = effectiveBudget(c);
  const sharesFen = c.round.totalFen;
  const prizeFen = prizeFenOf(c);
  const multiplier = maxMultiplier(c.levelMultipliers ?? {}, levels);
  // A share's bonus is floor(share × (m − 1)) and a payout stays within the mode's limit, so this bounds the sum.
  const maxBonusFen = Math.max(0, Math.min(Math.floor(sharesFen * (multiplier - 1)), c.round.packets * PAYOUT_LIMITS[c.payout.mode].maxFen - sharesFen));
  const bonusRoomFen = Math.max(0, Math.min(maxBonusFen, maxFenPerRound - sharesFen - prizeFen));
  const days = daysBetween(c.schedule.from, c.schedule.to);
  const perRoundFen = sharesFen + bonusRoomFen + prizeFen;
  return {
    days,
    sharesFen,
    prizeFen,
    maxBonusFen,
    bonusRoomFen,
    maxFenPerRound,
    maxFenTotal,
    perRoundFen,
    campaignFen: Math.min(days * perRoundFen, maxFenTotal),
  };
}

export interface BudgetIssue {
  path: string;
  message: string;
}

/**
 * Why a budget cannot be approved: a round must afford its shares and its prize, and the campaign
 * must afford that for every day that can still hold a round, on top of what rounds reserved already.
 */
export function budgetIssues(
  c: BudgetedCampaign,
  held: { reservedFen: number; daysToFund: number } = { reservedFen: 0, daysToFund: daysBetween(c.schedule.from, c.schedule.to) },
): BudgetIssue[] {
  const { maxFenPerRound, maxFenTotal } = effectiveBudget(c);
  const base = baseFenOf(c);
  const prize = prizeFenOf(c);
  const needs = `the round's ${c.round.totalFen} fen of shares${prize ? ` + the ${prize} fen prize` : ''}`;
  const issues: BudgetIssue[] = [];
  if (maxFenPerRound < base) issues.push({ path: 'budget.maxFenPerRound', message: `${maxFenPerRound} fen cannot cover ${needs} (${base} fen)` });
  const need = held.reservedFen + held.daysToFund * base;
  // A total derived from a refused per-round cap would only repeat that refusal.
  const totalDerivedFromRefused = issues.length > 0 && c.budget?.maxFenTotal === undefined;
  if (maxFenTotal < need && !totalDerivedFromRefused) {
    const already = held.reservedFen ? `${held.reservedFen} fen already reserved by rounds held + ` : '';
    issues.push({
      path: 'budget.maxFenTotal',
      message: `${maxFenTotal} fen cannot cover ${already}${held.daysToFund} day(s) × ${base} fen (${needs}) = ${need} fen`,
    });
  }
  return issues;
}

/** What a round carries from its campaign's budget into its snapshot when it is planned. */
export interface RoundBudgetPlan {
  maxFenPerRound: number;
  maxFenTotal: number;
  prizeFen: number;
  /** Days of the schedule after this round's, each still to be afforded from the campaign total. */
  laterDays: number;
}

/** A round's share of the campaign budget, fixed when it opens. */
export interface RoundBudget {
  maxFenPerRound: number;
  /** Reserved from the campaign total: shares + prize + the bonus pool. */
  approvedFen: number;
  prizeFen: number;
  bonusPoolFen: number;
  /** The bonus pool cut per shard (in proportion to the shard's shares), so no grab touches a shared counter. */
  bonusByShard: number[];
}

/**
 * How much of the campaign total a round reserves when it opens: its shares and prize, and a bonus
 * room of at most `maxFenPerRound − shares − prize`, evened out over this day and the days after it
 * so every later day can still afford its own shares and prize. Undefined when even the shares and
 * prize no longer fit (the round does not open).
 */
export function reserveFor(plan: RoundBudgetPlan, totalFen: number, reservedFen: number): number | undefined {
  const base = totalFen + plan.prizeFen;
  const free = plan.maxFenTotal - reservedFen;
  if (free < base || plan.maxFenPerRound < base) return undefined;
  const spare = free - (plan.laterDays + 1) * base;
  const room = Math.max(0, Math.min(plan.maxFenPerRound - base, Math.floor(spare / (plan.laterDays + 1))));
  return base + room;
}

/** The round's budget once `approvedFen` is reserved: the bonus pool, cut over the shards. */
export function roundBudget(plan: RoundBudgetPlan, shares: readonly number[], shards: number, approvedFen: number): RoundBudget {
  const total = shares.reduce((a, b) => a + b, 0);
  const bonusPoolFen = approvedFen - total - plan.prizeFen;
  return {
    maxFenPerRound: plan.maxFenPerRound,
    approvedFen,
    prizeFen: plan.prizeFen,
    bonusPoolFen,
    bonusByShard: splitBonusPool(shares, shards, bonusPoolFen),
  };
}

/**
 * Cuts `pool` over the shards in proportion to the money each holds (share i is in shard i % shards),
 * largest remainders first, so the pieces sum to the pool exactly. Bonuses are a fraction of the
 * share, so every shard's pool runs dry at about the same pace.
 */
export function splitBonusPool(shares: readonly number[], shards: number, pool: number): number[] {
  const sums = Array.from({ length: shards }, () => 0n);
  shares.forEach((f, i) => {
    sums[i % shards]! += BigInt(f);
  });
  const total = sums.reduce((a, b) => a + b, 0n);
  if (pool <= 0 || total === 0n) return sums.map(() => 0);
  const big = BigInt(pool);
  const parts = sums.map((s) => (big * s) / total);
  let left = Number(big - parts.reduce((a, b) => a + b, 0n));
  const byRemainder = sums.map((s, i) => ({ i, rem: (big * s) % total })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    parts[i]! += 1n;
  }
  return parts.map(Number);
}

/** The bonus a grab gets: what it asks for, within what its shard has left. */
export const bonusWithin = (wantedFen: number, leftFen: number) => Math.max(0, Math.min(wantedFen, leftFen));

/** `granted + bonus + prize + returned + remaining = approved`, each term summed from its own items. */
export interface BudgetProof {
  approvedFen: number;
  grantedFen: number;
  bonusFen: number;
  prizeFen: number;
  returnedFen: number;
  remainingFen: number;
  balanced: boolean;
}

export function budgetProof(terms: Omit<BudgetProof, 'balanced'>): BudgetProof {
  const { approvedFen, grantedFen, bonusFen, prizeFen, returnedFen, remainingFen } = terms;
  const parts = [grantedFen, bonusFen, prizeFen, returnedFen, remainingFen];
  const balanced = parts.every((p) => Number.isSafeInteger(p) && p >= 0) && parts.reduce((a, b) => a + b, 0) === approvedFen;
  return { ...terms, balanced };
}
