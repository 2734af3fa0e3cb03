import { budgetProof, effectiveBudget, type BudgetProof } from './budget';
import { campaignDays, daysStillAhead, type CampaignRecord } from './campaignRecord';
import type { RoundStore, StoredRound } from './roundStore';

export type PayoutState = 'paid' | 'pending' | 'failed' | 'cancelled';

export interface ReportPorts {
  rounds: RoundStore;
  /** Where each payout stands, by reference; wallet credits are paid the moment the share is taken. */
  payoutStates: (refs: string[]) => Promise<Map<string, PayoutState>>;
}

/** A round's money against its budget: the proof, and the cap it was approved under. */
export type RoundBudgetReport = BudgetProof & { maxFenPerRound: number; unfunded?: boolean };

export interface RoundReport {
  date: string;
  status: StoredRound['status'];
  packets: number;
  totalFen: number;
  sharesSumFen: number;
  winners: { openid: string; amountFen: number; bonusFen: number; rank: number; at: string; payout: PayoutState }[];
  /** The shares: taken, returned at close, still free (they sum to `totalFen`). */
  grantedFen: number;
  bonusFen: number;
  returnedFen: number;
  remainingFen: number;
  /** All the round's money (shares, bonuses, prize) against what it reserved: `granted + bonus + prize + returned + remaining = approved`. */
  budget: RoundBudgetReport;
  bestLuck?: StoredRound['bestLuck'];
  prize?: StoredRound['prize'];
  paid: number;
  pending: number;
  failed: number;
  /** Shares whose payout an operator (or an erasure) cancelled: granted, never paid. */
  cancelled: number;
}

export interface CampaignBudgetReport extends BudgetProof {
  maxFenPerRound: number;
  /** Part of the budget was derived (left out by the marketer: no bonus room). */
  derived: boolean;
  /** What rounds reserved, per the campaign's ledger; `unreservedFen` is the rest of the total. */
  reservedFen: number;
  unreservedFen: number;
  /** Why `balanced` is false, one line per failed check. */
  problems: string[];
  roundsHeld: number;
  roundsNotHeld: number;
}

export interface CampaignReport {
  campaignId: string;
  name: string;
  rounds: RoundReport[];
  budget: CampaignBudgetReport;
}

const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Every round from the table, and the budget proof `granted + bonus + prize + returned + remaining =
 * approved` for each round and for the campaign. Each term is summed from its own items (taken,
 * returned and free shares, the shards' bonus pools, the round's prize, the campaign's ledger), so a
 * fen paid beyond the budget, lost or counted twice shows as `balanced: false` with the reason.
 */
export async function campaignReport(ports: ReportPorts, campaign: CampaignRecord, nowMs: number): Promise<CampaignReport> {
  const [stored, reservedFen] = await Promise.all([ports.rounds.rounds(campaign.id), ports.rounds.reservedFen(campaign.id)]);
  stored.sort((a, b) => a.snapshot.day.localeCompare(b.snapshot.day));
  const rounds = await Promise.all(stored.map((r) => roundReport(ports, r)));
  const { maxFenPerRound, maxFenTotal, derived } = effectiveBudget(campaign.config);

  // The unreserved rest of the total can still be spent while a day is left that may hold a round; after that it is returned.
  const schedule = campaign.config.schedule;
  const opened = new Set(rounds.filter((r) => !r.budget.unfunded).map((r) => r.date));
  const ahead = new Set(daysStillAhead(schedule, new Set(rounds.map((r) => r.date)), nowMs));
  const canStillSpend = campaign.state !== 'closed' && ahead.size > 0;
  const unreservedFen = maxFenTotal - reservedFen;

  const total = (k: keyof BudgetProof) => sumOf(rounds.map((r) => r.budget[k] as number));
  const proof = budgetProof({
    approvedFen: maxFenTotal,
    grantedFen: total('grantedFen'),
    bonusFen: total('bonusFen'),
    prizeFen: total('prizeFen'),
    returnedFen: total('returnedFen') + (canStillSpend ? 0 : unreservedFen),
    remainingFen: total('remainingFen') + (canStillSpend ? unreservedFen : 0),
  });

  const problems: string[] = [];
  for (const r of rounds) {
    const b = r.budget;
    if (!b.balanced)
      problems.push(
        `round ${r.date}: granted ${b.grantedFen} + bonus ${b.bonusFen} + prize ${b.prizeFen} + returned ${b.returnedFen} + remaining ${b.remainingFen} ≠ approved ${b.approvedFen}`,
      );
    if (b.approvedFen > b.maxFenPerRound) problems.push(`round ${r.date}: approved ${b.approvedFen} is above its cap of ${b.maxFenPerRound} per round`);
    if (r.sharesSumFen !== r.totalFen) problems.push(`round ${r.date}: its shares sum to ${r.sharesSumFen}, not ${r.totalFen}`);
  }
  if (total('approvedFen') !== reservedFen) problems.push(`the rounds approved ${total('approvedFen')} but the campaign's ledger reserved ${reservedFen}`);
  if (unreservedFen < 0) problems.push(`the rounds reserved ${reservedFen}, more than the campaign total ${maxFenTotal}`);
  if (!proof.balanced && !problems.length) problems.push(`granted + bonus + prize + returned + remaining ≠ approved ${maxFenTotal}`);

  return {
    campaignId: campaign.id,
    name: campaign.config.name,
    rounds,
    budget: {
      ...proof,
      balanced: proof.balanced && problems.length === 0,
      maxFenPerRound,
      derived,
      reservedFen,
      unreservedFen,
      problems,
      roundsHeld: opened.size,
      roundsNotHeld: campaignDays(schedule).filter((d) => !opened.has(d) && !ahead.has(d)).length,
    },
  };
}

async function roundReport(ports: ReportPorts, round: StoredRound): Promise<RoundReport> {
  const r = round.snapshot;
  const [taken, returned, free, pool] = await Promise.all([ports.rounds.taken(r), ports.rounds.returned(r), ports.rounds.free(r), ports.rounds.bonusPool(r)]);
  taken.sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
  const states = r.payoutMode === 'wallet' ? new Map<string, PayoutState>() : await ports.payoutStates(taken.map((t) => t.payoutRef));
  const winners = taken.map((t, i) => ({
    openid: t.openid,
    amountFen: t.amountFen,
    bonusFen: t.bonusFen,
    rank: i + 1,
    at: t.at,
    payout: r.payoutMode === 'wallet' ? ('paid' as const) : (states.get(t.payoutRef) ?? 'pending'),
  }));
  const grantedFen = sumOf(taken.map((t) => t.amountFen));
  const bonusFen = sumOf(taken.map((t) => t.bonusFen));
  const returnedFen = sumOf(returned.map((s) => s.amountFen));
  const remainingFen = sumOf(free.map((s) => s.amountFen));
  // The prize is reserved with the round; given once its coupon is issued, returned if the round closed without giving it.
  const prizeReserved = r.budget?.prizeFen ?? 0;
  const prizeFen = round.prize?.couponCode ? prizeReserved : 0;
  const closed = round.status === 'closed';
  // Rounds opened before budgets existed were approved their shares only.
  const approvedFen = r.budget?.approvedFen ?? (round.unfunded ? 0 : r.totalFen);
  // A round being laid out (a few seconds, before anyone can grab) has its items only in part: all its money is still to come.
  const layingOut = round.status === 'opening';
  return {
    date: r.day,
    status: round.status,
    packets: r.packets,
    totalFen: r.totalFen,
    sharesSumFen: sumOf(r.shares),
    winners,
    grantedFen,
    bonusFen,
    returnedFen,
    remainingFen,
    budget: {
      ...budgetProof({
        approvedFen,
        grantedFen,
        bonusFen,
        prizeFen,
        returnedFen: returnedFen + pool.returnedFen + (closed ? prizeReserved - prizeFen : 0),
        remainingFen: layingOut ? approvedFen - grantedFen - bonusFen - returnedFen : remainingFen + pool.leftFen + (closed ? 0 : prizeReserved - prizeFen),
      }),
      maxFenPerRound: r.budget?.maxFenPerRound ?? r.totalFen,
      ...(round.unfunded ? { unfunded: true } : {}),
    },
    bestLuck: round.bestLuck,
    prize: round.prize,
    paid: winners.filter((w) => w.payout === 'paid').length,
    pending: winners.filter((w) => w.payout === 'pending').length,
    failed: winners.filter((w) => w.payout === 'failed').length,
    cancelled: winners.filter((w) => w.payout === 'cancelled').length,
  };
}
