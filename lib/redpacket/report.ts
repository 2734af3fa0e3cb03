import { businessDay } from '../clock/timeZone';
import { campaignDays, roundEndsAt, type CampaignRecord } from './campaignRecord';
import type { RoundStore, StoredRound } from './roundStore';

export type PayoutState = 'paid' | 'pending' | 'failed' | 'cancelled';

export interface ReportPorts {
  rounds: RoundStore;
  /** Where each payout stands, by reference; wallet credits are paid the moment the share is taken. */
  payoutStates: (refs: string[]) => Promise<Map<string, PayoutState>>;
}

export interface RoundReport {
  date: string;
  status: StoredRound['status'];
  packets: number;
  totalFen: number;
  sharesSumFen: number;
  winners: { openid: string; amountFen: number; bonusFen: number; rank: number; at: string; payout: PayoutState }[];
  grantedFen: number;
  bonusFen: number;
  returnedFen: number;
  remainingFen: number;
  bestLuck?: StoredRound['bestLuck'];
  prize?: StoredRound['prize'];
  paid: number;
  pending: number;
  failed: number;
  /** Shares whose payout an operator (or an erasure) cancelled: granted, never paid. */
  cancelled: number;
}

export interface CampaignReport {
  campaignId: string;
  name: string;
  rounds: RoundReport[];
  budget: { totalFen: number; grantedFen: number; returnedFen: number; remainingFen: number; bonusFen: number; balanced: boolean; roundsHeld: number; roundsNotHeld: number };
}

/**
 * Every round from the table, and the budget invariant `total = granted + returned + remaining`,
 * where each term is summed from different items (taken, returned and free shares), so a share lost
 * or counted twice shows as `balanced: false`. Level bonuses are paid on top and shown apart.
 */
export async function campaignReport(ports: ReportPorts, campaign: CampaignRecord, nowMs: number): Promise<CampaignReport> {
  const stored = (await ports.rounds.rounds(campaign.id)).sort((a, b) => a.snapshot.day.localeCompare(b.snapshot.day));
  const rounds = await Promise.all(stored.map((r) => roundReport(ports, r)));
  const budget = { totalFen: 0, grantedFen: 0, returnedFen: 0, remainingFen: 0, bonusFen: 0, balanced: true, roundsHeld: rounds.length, roundsNotHeld: 0 };
  for (const r of rounds) {
    budget.totalFen += r.totalFen;
    budget.grantedFen += r.grantedFen;
    budget.returnedFen += r.returnedFen;
    budget.remainingFen += r.remainingFen;
    budget.bonusFen += r.bonusFen;
  }
  // Days with no round: money still to come while the campaign can hold them, returned once they passed.
  const held = new Set(rounds.map((r) => r.date));
  const schedule = campaign.config.schedule;
  const today = businessDay(nowMs, schedule.timezone);
  const live = campaign.state === 'active' || campaign.state === 'paused';
  for (const day of campaignDays(schedule)) {
    if (held.has(day)) continue;
    budget.totalFen += campaign.config.round.totalFen;
    const stillAhead = live && (day > today || (day === today && nowMs < roundEndsAt(schedule, day)));
    if (stillAhead) budget.remainingFen += campaign.config.round.totalFen;
    else {
      budget.returnedFen += campaign.config.round.totalFen;
      budget.roundsNotHeld++;
    }
  }
  budget.balanced = budget.totalFen === budget.grantedFen + budget.returnedFen + budget.remainingFen && rounds.every((r) => r.sharesSumFen === r.totalFen);
  return { campaignId: campaign.id, name: campaign.config.name, rounds, budget };
}

async function roundReport(ports: ReportPorts, round: StoredRound): Promise<RoundReport> {
  const r = round.snapshot;
  const [taken, returned, free] = await Promise.all([ports.rounds.taken(r), ports.rounds.returned(r), ports.rounds.free(r)]);
  taken.sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
  const states = r.payoutMode === 'wallet' ? new Map<string, PayoutState>() : await ports.payoutStates(taken.map((t) => t.payoutRef));
  const winners = taken.map((t, i) => ({ openid: t.openid, amountFen: t.amountFen, bonusFen: t.bonusFen, rank: i + 1, at: t.at, payout: r.payoutMode === 'wallet' ? ('paid' as const) : (states.get(t.payoutRef) ?? 'pending') }));
  const sum = (xs: { amountFen: number }[]) => xs.reduce((a, x) => a + x.amountFen, 0);
  return {
    date: r.day,
    status: round.status,
    packets: r.packets,
    totalFen: r.totalFen,
    sharesSumFen: r.shares.reduce((a, b) => a + b, 0),
    winners,
    grantedFen: sum(taken),
    bonusFen: taken.reduce((a, t) => a + t.bonusFen, 0),
    returnedFen: sum(returned),
    remainingFen: sum(free),
    bestLuck: round.bestLuck,
    prize: round.prize,
    paid: winners.filter((w) => w.payout === 'paid').length,
    pending: winners.filter((w) => w.payout === 'pending').length,
    failed: winners.filter((w) => w.payout === 'failed').length,
    cancelled: winners.filter((w) => w.payout === 'cancelled').length,
  };
}
