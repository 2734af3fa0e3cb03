import type { CampaignConfig, CampaignRecord, PayoutMode } from './campaignRecord';
import { PAYOUT_LIMITS, roundEndsAt, roundStartsAt } from './campaignRecord';
import { splitRound, type RandomInt } from './splitRound';
import { daysBetween, effectiveBudget, prizeFenOf, type RoundBudget, type RoundBudgetPlan } from './budget';

/**
 * A round as it was when it opened: its shares and every rule a grab applies. Grabs read only this,
 * so editing a campaign never changes a round that has started.
 */
export interface RoundSnapshot {
  campaignId: string;
  day: string;
  name: string;
  timezone: string;
  startsAt: string;
  endsAt: string;
  packets: number;
  totalFen: number;
  minFen: number;
  maxFen: number;
  /** Share i is `shares[i]` fen and lives in shard `i % shards`. */
  shares: number[];
  shards: number;
  eligibility: CampaignConfig['eligibility'];
  levelMultipliers: Record<string, number>;
  bestLuckPrize?: CampaignConfig['bestLuckPrize'];
  payoutMode: PayoutMode;
  notices?: Record<string, string>;
  /** The earliest moment of the next round, for the "come back" reply. */
  nextStart?: string;
  /** The campaign's budget as the round was planned (absent on rounds planned before budgets existed). */
  budgetPlan?: RoundBudgetPlan;
  /** The round's part of it, fixed when it opened: absent on rounds opened before budgets existed (no bonus room). */
  budget?: RoundBudget;
}

/**
 * How many partitions a round's shares are spread over. Each grab writes one shard, so a round takes
 * about `shards` × 1,000 writes/s before DynamoDB throttles, instead of 1,000.
 */
export const MAX_SHARDS = 16;

export function shardCountFor(packets: number): number {
  return Math.max(1, Math.min(MAX_SHARDS, packets));
}

export const shardOf = (index: number, shards: number) => index % shards;

/** The share indexes kept in one shard. */
export function sharesOfShard(r: Pick<RoundSnapshot, 'packets' | 'shards'>, shard: number): number[] {
  const out: number[] = [];
  for (let i = shard; i < r.packets; i += r.shards) out.push(i);
  return out;
}

export function planRound(c: Pick<CampaignRecord, 'id' | 'config'>, day: string, random?: RandomInt): RoundSnapshot {
  const { config } = c;
  const split = splitRound(config.round, random);
  const { maxFenPerRound, maxFenTotal } = effectiveBudget(config);
  // The campaign schema refuses impossible splits, so this only fires on a corrupted record.
  if (!split.ok) throw new Error(`campaign ${c.id}: round cannot be split (${split.field}: ${split.error})`);
  return {
    campaignId: c.id,
    day,
    name: config.name,
    timezone: config.schedule.timezone,
    startsAt: new Date(roundStartsAt(config.schedule, day)).toISOString(),
    endsAt: new Date(roundEndsAt(config.schedule, day)).toISOString(),
    packets: config.round.packets,
    totalFen: config.round.totalFen,
    minFen: config.round.minFen,
    maxFen: config.round.maxFen,
    shares: split.shares,
    shards: shardCountFor(config.round.packets),
    eligibility: config.eligibility,
    levelMultipliers: config.levelMultipliers,
    bestLuckPrize: config.bestLuckPrize,
    payoutMode: config.payout.mode,
    notices: config.notices,
    budgetPlan: { maxFenPerRound, maxFenTotal, prizeFen: prizeFenOf(config), laterDays: Math.max(0, daysBetween(day, config.schedule.to) - 1) },
  };
}

/**
 * The level bonus a share asks for: the campaign's multiplier for the level, else the level's own
 * red-packet benefit. Paid from the round's bonus pool (what its budget leaves after the shares and
 * the prize), shown apart from the shares (which always sum to the round total), and capped so the
 * payout stays inside the mode's limit.
 */
export function levelBonusFen(shareFen: number, multiplier: number, mode: PayoutMode): number {
  if (!(multiplier > 1)) return 0;
  const bonus = Math.floor(shareFen * (multiplier - 1));
  return Math.max(0, Math.min(bonus, PAYOUT_LIMITS[mode].maxFen - shareFen));
}
