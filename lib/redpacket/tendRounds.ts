import { awaitsApproval, isLive, roundStartsAt, type CampaignRecord } from './campaignRecord';
import { closeRound, type CloseRoundPorts } from './closeRound';
import { planRound } from './round';
import { roundAt } from './roundSchedule';

/** Rounds are laid out this long before they start, so the first grabs find their shares ready. */
export const OPEN_AHEAD_MS = 5 * 60_000;

export interface TendResult {
  opened: string[];
  closed: string[];
}

/**
 * The minute schedule's red-packet work: lay out the rounds about to start, and close the rounds that
 * ended (by the clock, by the last share, or because their campaign closed). Every step is idempotent.
 */
export async function tendRounds(ports: CloseRoundPorts, campaigns: CampaignRecord[], nowMs: number): Promise<TendResult> {
  const result: TendResult = { opened: [], closed: [] };
  for (const c of campaigns) {
    if (c.state === 'active' && !awaitsApproval(c) && isLive(c, nowMs)) {
      const today = roundAt(c.config.schedule, nowMs);
      const day = today.day;
      const startsIn = roundStartsAt(c.config.schedule, day) - nowMs;
      if (today.state !== 'outside-campaign' && today.state !== 'ended' && startsIn <= OPEN_AHEAD_MS && !(await ports.rounds.get(c.id, day))) {
        await ports.rounds.open(planRound(c, day));
        result.opened.push(`${c.id}/${day}`);
      }
    }
    for (const round of await ports.rounds.rounds(c.id)) {
      if (round.status === 'closed') continue;
      const r = round.snapshot;
      const over = nowMs >= Date.parse(r.endsAt) || c.state === 'closed';
      const empty = !over && round.status === 'open' && (await ports.rounds.counts(r)).taken >= r.packets;
      if (!over && !empty && round.status !== 'closing') continue;
      const closed = await closeRound(ports, c.id, r.day);
      if (closed.status === 'closed') result.closed.push(`${c.id}/${r.day}`);
    }
  }
  return result;
}
