import { holdsBack, type ApprovalMark } from '../approvals/approval';
import type { Segment } from '../segments/match';
import type { CampaignBudget } from './budget';
import type { ComplianceFinding } from './compliance';
import type { RoundSchedule } from './roundSchedule';
import type { RoundSplit } from './splitRound';
import { addDays, startOfLocalDay } from '../coupons/validity';
import { parseHhMm } from '../clock/timeZone';
import { TRANSFER_MIN_FEN, TRANSFER_WITHOUT_NAME_MAX_FEN } from '../pay/transferLimits';

export type PayoutMode = 'wallet' | 'transfer' | 'redpack';

/** WeChat Pay's limits per payout mode, in fen (here, not in the zod schema, so the callback can use them without zod). */
export const PAYOUT_LIMITS: Record<PayoutMode, { minFen: number; maxFen: number }> = {
  wallet: { minFen: 1, maxFen: 20_000_00 },
  transfer: { minFen: TRANSFER_MIN_FEN, maxFen: TRANSFER_WITHOUT_NAME_MAX_FEN }, // transfer bills: 0.10 CNY up to the real-name threshold
  redpack: { minFen: 100, maxFen: 200_00 }, // classic cash red packets: 1–200 CNY
};

/**
 * A campaign's configuration as stored (the zod schema in campaign.ts produces it on the admin side;
 * the callback only needs the shape, so it never loads zod).
 */
export interface CampaignConfig {
  name: string;
  description?: string;
  trigger: { keywords?: string[]; menuKey?: string; event?: string };
  schedule: RoundSchedule;
  round: RoundSplit;
  eligibility: { segment?: Segment; perMemberPerRound: number; perMemberPerDay: number };
  levelMultipliers: Record<string, number>;
  /** `valueFen`: what the prize costs, counted by the budget (saved from the coupon template's amount when not given). */
  bestLuckPrize?: { couponTemplateId: string; validUntil: 'endOfWeek'; noticeTemplateId?: string; valueFen?: number };
  payout: { mode: PayoutMode };
  /** The hard budget; what is left out is derived with no bonus room (see budget.ts). */
  budget?: CampaignBudget;
  mechanics?: { type: string };
  notices?: Record<string, string>;
}

/** What marketers switch: `active` runs on its schedule; `paused` answers "paused"; `closed` is final. */
export type CampaignState = 'draft' | 'active' | 'paused' | 'closed';
/** What marketers see: an active campaign is `scheduled` before its first round and `closed` after its last. */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'closed';

export interface CampaignRecord {
  id: string;
  state: CampaignState;
  config: CampaignConfig;
  /** Bumped on every save; a save names the version it read so two editors never overwrite each other. */
  version: number;
  warnings: ComplianceFinding[];
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** A total budget above the approval threshold waits for a second person (lib/approvals): no round opens, no grab pays until approved. */
  approval?: ApprovalMark;
}

/** When the round of `day` ends, as a UTC instant. */
export function roundEndsAt(s: Pick<RoundSchedule, 'timezone' | 'daily'>, day: string): number {
  return startOfLocalDay(day, s.timezone) + parseHhMm(s.daily.end) * 60_000;
}

export function roundStartsAt(s: Pick<RoundSchedule, 'timezone' | 'daily'>, day: string): number {
  return startOfLocalDay(day, s.timezone) + parseHhMm(s.daily.start) * 60_000;
}

export function statusOf(c: Pick<CampaignRecord, 'state' | 'config' | 'approval'>, nowMs: number): CampaignStatus {
  if (c.state !== 'active') return c.state;
  if (nowMs < roundStartsAt(c.config.schedule, c.config.schedule.from)) return 'scheduled';
  if (awaitsApproval(c) && nowMs < roundEndsAt(c.config.schedule, c.config.schedule.to)) return 'scheduled';
  if (nowMs >= roundEndsAt(c.config.schedule, c.config.schedule.to)) return 'closed';
  return 'running';
}

/** Waiting for (or refused) its budget approval: it runs as a campaign not started yet. */
export const awaitsApproval = (c: Pick<CampaignRecord, 'approval'>) => holdsBack(c.approval);

/** Whether the campaign may still hold a round (active or paused, schedule not over). */
export function isLive(c: Pick<CampaignRecord, 'state' | 'config'>, nowMs: number): boolean {
  return (c.state === 'active' || c.state === 'paused') && nowMs < roundEndsAt(c.config.schedule, c.config.schedule.to);
}

export type LifecycleAction = 'schedule' | 'pause' | 'resume' | 'close';

/** The state an action leads to, or why it cannot be taken. */
export function applyLifecycle(c: Pick<CampaignRecord, 'state'>, action: LifecycleAction): { state: CampaignState } | { error: string } {
  const from = c.state;
  if (from === 'closed') return { error: 'the campaign is closed; closed campaigns cannot change' };
  switch (action) {
    case 'schedule':
      return from === 'draft' ? { state: 'active' } : { error: `only a draft can be scheduled; this campaign is ${from}` };
    case 'pause':
      return from === 'active' ? { state: 'paused' } : { error: `only a scheduled or running campaign can be paused; this campaign is ${from}` };
    case 'resume':
      return from === 'paused' ? { state: 'active' } : { error: `only a paused campaign can be resumed; this campaign is ${from}` };
    case 'close':
      return { state: 'closed' };
  }
}

/** The days of the schedule that can still hold a round: not opened yet, and their round not over. */
export function daysStillAhead(s: Pick<RoundSchedule, 'from' | 'to' | 'timezone' | 'daily'>, opened: ReadonlySet<string>, nowMs: number): string[] {
  return campaignDays(s).filter((day) => !opened.has(day) && nowMs < roundEndsAt(s, day));
}

/** Every business day of the campaign, from → to. */
export function campaignDays(s: Pick<RoundSchedule, 'from' | 'to'>): string[] {
  const days: string[] = [];
  for (let d = s.from; d <= s.to; d = addDays(d, 1)) days.push(d);
  return days;
}
