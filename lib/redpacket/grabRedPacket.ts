import { randomInt } from 'node:crypto';
import { businessDay } from '../clock/timeZone';
import type { Level } from '../levels/levels';
import type { Member } from '../members/member';
import { isLive, type CampaignRecord } from './campaignRecord';
import { whyNotEligible, type NotEligible } from './eligibility';
import { levelBonusFen, planRound, type RoundSnapshot } from './round';
import { roundAt } from './roundSchedule';
import type { RoundStore } from './roundStore';
import type { RandomInt } from './splitRound';

export interface GrabPorts {
  rounds: RoundStore;
  levels: () => Promise<readonly Level[]>;
  /** Told when a grab took the last share, so the round closes at once (the schedule is the backstop). */
  onRoundEmptied?: (campaignId: string, day: string) => Promise<void>;
  random?: RandomInt;
}

export type GrabOutcome =
  | { kind: 'won'; amountFen: number; bonusFen: number; rank: number; left: number; round: RoundSnapshot }
  | { kind: 'replayed'; reply?: string; amountFen: number }
  | { kind: 'not-started'; opensAt: string }
  | { kind: 'ended-today'; opensAt: string; hasTomorrow: boolean }
  | { kind: 'outside-campaign'; from: string; to: string; before: boolean }
  | { kind: 'paused' }
  | { kind: 'all-gone'; opensAt: string; hasTomorrow: boolean }
  | { kind: 'already-grabbed'; lastFen?: number; perRound: number }
  | { kind: 'day-limit'; perDay: number }
  | { kind: 'not-eligible'; why: NotEligible }
  | { kind: 'busy' };

/** Attempts at a free share before the grab gives up with "busy" (only under extreme contention). */
const MAX_ATTEMPTS = 24;
/** Free shares read per attempt; a random one of them is tried, so a crowd spreads over them. */
const PICK_FROM = 8;

export const payoutRefOf = (r: Pick<RoundSnapshot, 'campaignId' | 'day'>, index: number) => `RP${r.campaignId}${r.day.replaceAll('-', '')}${String(index).padStart(5, '0')}`;

/**
 * A follower asks for a red packet. Exactly once per push: the share, the member's limits, the
 * push's record and the payout are one transaction, and a retry of the same push gets the first answer.
 */
export async function grabRedPacket(ports: GrabPorts, campaign: CampaignRecord, member: Member, dedupKey: string, nowMs: number): Promise<GrabOutcome> {
  const schedule = campaign.config.schedule;
  const at = roundAt(schedule, nowMs);
  const hasTomorrow = at.day < schedule.to;
  if (campaign.state === 'paused' && isLive(campaign, nowMs)) return { kind: 'paused' };
  if (at.state === 'outside-campaign') return { kind: 'outside-campaign', from: schedule.from, to: schedule.to, before: at.day < schedule.from };
  if (at.state === 'not-started') return { kind: 'not-started', opensAt: at.opensAt };
  if (at.state === 'ended') return { kind: 'ended-today', opensAt: schedule.daily.start, hasTomorrow };
  if (campaign.state !== 'active') return { kind: 'outside-campaign', from: schedule.from, to: schedule.to, before: false };

  let stored = await ports.rounds.get(campaign.id, at.roundId);
  if (!stored || stored.status === 'opening') stored = await ports.rounds.open(planRound(campaign, at.roundId, ports.random));
  const round = stored.snapshot;
  if (stored.status !== 'open') return { kind: 'all-gone', opensAt: schedule.daily.start, hasTomorrow };

  const notEligible = whyNotEligible(round.eligibility.segment, member, nowMs);
  if (notEligible) return { kind: 'not-eligible', why: notEligible };

  const memberDay = businessDay(nowMs, round.timezone);
  const random = ports.random ?? ((n: number) => randomInt(n));
  const limits = { perRound: round.eligibility.perMemberPerRound, perDay: round.eligibility.perMemberPerDay };
  let view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
  if (view.earlier) return { kind: 'replayed', reply: view.earlier.reply, amountFen: view.earlier.amountFen };
  if (view.memberRoundGrabs >= limits.perRound) return { kind: 'already-grabbed', lastFen: view.lastFen, perRound: limits.perRound };
  if (view.memberDayGrabs >= limits.perDay) return { kind: 'day-limit', perDay: limits.perDay };

  const multiplier = await multiplierFor(ports, round, member.level);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const shard = pickShard(view.freeByShard, random);
    if (shard === undefined) return { kind: 'all-gone', opensAt: schedule.daily.start, hasTomorrow };
    const free = await ports.rounds.freeShares(round, shard, PICK_FROM);
    if (free.length === 0) {
      view.freeByShard[shard] = 0;
      continue;
    }
    const index = free[random(free.length)]!;
    const amountFen = round.shares[index]!;
    const bonusFen = levelBonusFen(amountFen, multiplier, round.payoutMode);
    const claimed = await ports.rounds.claim(
      { round, index, openid: member.openid, amountFen, bonusFen, at: new Date(nowMs).toISOString(), dedupKey, memberDay, payoutRef: payoutRefOf(round, index) },
      limits,
    );
    switch (claimed) {
      case 'claimed': {
        const { taken, returned } = await ports.rounds.counts(round);
        const left = Math.max(0, round.packets - taken - returned);
        if (left === 0) await ports.onRoundEmptied?.(round.campaignId, round.day);
        return { kind: 'won', amountFen, bonusFen, rank: Math.min(taken, round.packets), left, round };
      }
      case 'duplicate': {
        view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
        return { kind: 'replayed', reply: view.earlier?.reply, amountFen: view.earlier?.amountFen ?? amountFen };
      }
      case 'round-limit':
        return { kind: 'already-grabbed', lastFen: view.lastFen, perRound: limits.perRound };
      case 'day-limit':
        return { kind: 'day-limit', perDay: limits.perDay };
      case 'share-gone':
        // Someone else got it first; refresh the free counts now and then rather than every time.
        if (attempt % 4 === 3) view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
        else view.freeByShard[shard] = Math.max(0, view.freeByShard[shard]! - 1);
        continue;
    }
  }
  view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
  return view.freeByShard.some((n) => n > 0) ? { kind: 'busy' } : { kind: 'all-gone', opensAt: schedule.daily.start, hasTomorrow };
}

async function multiplierFor(ports: GrabPorts, round: RoundSnapshot, level: string): Promise<number> {
  const own = round.levelMultipliers[level];
  if (own !== undefined) return own;
  return (await ports.levels()).find((l) => l.name === level)?.benefits.redPacketMultiplier ?? 1;
}

/** A shard with free shares, chosen in proportion to how many it has left. */
function pickShard(freeByShard: number[], random: RandomInt): number | undefined {
  const total = freeByShard.reduce((a, b) => a + Math.max(0, b), 0);
  if (total === 0) return undefined;
  let n = random(total);
  for (let s = 0; s < freeByShard.length; s++) {
    n -= Math.max(0, freeByShard[s]!);
    if (n < 0) return s;
  }
  return undefined;
}
