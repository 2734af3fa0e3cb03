import { ownValue } from '../records/own';
import { randomInt } from 'node:crypto';
import { businessDay } from '../clock/timeZone';
import type { Deadline } from '../deadline/deadline';
import type { Level } from '../levels/levels';
import type { Member } from '../members/member';
import { claimWithinBonusPool } from './bonusPool';
import { awaitsApproval, isLive, type CampaignRecord } from './campaignRecord';
import { whyNotEligible, type NotEligible } from './eligibility';
import { levelBonusFen, planRound, sharesOfShard, shardOf, type RoundSnapshot } from './round';
import { roundAt } from './roundSchedule';
import type { RoundStore } from './roundStore';
import type { RandomInt } from './splitRound';

export interface GrabPorts {
  rounds: RoundStore;
  levels: () => Promise<readonly Level[]>;
  /**
   * Told when a grab took the last share, so the round closes soon (the schedule is the backstop).
   * A hand-off (a queue message), not the closing itself: the follower's reply must not wait for it.
   */
  onRoundEmptied?: (campaignId: string, day: string) => Promise<void>;
  /** Hands a stored payout order (transfer / redpack modes) to the payout worker; the reconciliation is the backstop. */
  onPayoutOrdered?: (ref: string) => Promise<void>;
  /** Told about each win (the daily numbers' red-packet spend); must not throw. */
  onWon?: (openid: string, fen: number, nowMs: number) => Promise<void>;
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
/** What a lock and a claim take at worst on a healthy table; an attempt is not started with less time left. */
const MIN_ATTEMPT_MS = 300;
/** Free shares read per attempt; a random one of them is tried, so a crowd spreads over them. */
const PICK_FROM = 8;

export const payoutRefOf = (r: Pick<RoundSnapshot, 'campaignId' | 'day'>, index: number) =>
  `RP${r.campaignId}${r.day.replaceAll('-', '')}${String(index).padStart(5, '0')}`;

/**
 * A follower asks for a red packet. Exactly once per push: the share, the member's limits, the
 * push's record and the payout are one transaction, and a retry of the same push gets the first answer.
 */
export async function grabRedPacket(
  ports: GrabPorts,
  campaign: CampaignRecord,
  member: Member,
  dedupKey: string,
  nowMs: number,
  deadline?: Deadline,
): Promise<GrabOutcome> {
  const schedule = campaign.config.schedule;
  const at = roundAt(schedule, nowMs);
  const hasTomorrow = at.day < schedule.to;
  // Its budget waits for approval: answered as a campaign not started yet, and nothing is laid out or paid.
  if (awaitsApproval(campaign)) return { kind: 'outside-campaign', from: schedule.from, to: schedule.to, before: true };
  if (campaign.state === 'paused' && isLive(campaign, nowMs)) return { kind: 'paused' };
  if (at.state === 'outside-campaign') return { kind: 'outside-campaign', from: schedule.from, to: schedule.to, before: at.day < schedule.from };
  if (at.state === 'not-started') return { kind: 'not-started', opensAt: at.opensAt };
  if (at.state === 'ended') return { kind: 'ended-today', opensAt: schedule.daily.start, hasTomorrow };
  if (campaign.state !== 'active') return { kind: 'outside-campaign', from: schedule.from, to: schedule.to, before: false };

  const round = await openRound(ports, campaign, at.roundId, deadline);
  if (round === 'still-opening') return { kind: 'busy' };
  if (!round) return { kind: 'all-gone', opensAt: schedule.daily.start, hasTomorrow };

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
  // Shares this grab found held or gone: never tried twice, so a crowd does not hammer the last few.
  const tried = new Set<number>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Not enough time left for a lock and a claim: say busy now rather than leave a claim's outcome unknown.
    if (deadline && deadline.remainingMs() < MIN_ATTEMPT_MS) return { kind: 'busy' };
    const shard = pickShard(view.freeByShard, random);
    if (shard === undefined) return { kind: 'all-gone', opensAt: schedule.daily.start, hasTomorrow };
    const index = await pickShare(ports, round, shard, view.freeByShard[shard]!, random, tried);
    if (index === undefined) {
      view.freeByShard[shard] = 0;
      continue;
    }
    tried.add(index);
    if (!(await ports.rounds.lock(round, index, dedupKey, nowMs))) {
      view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
      continue;
    }
    const amountFen = round.shares[index]!;
    const payoutRef = payoutRefOf(round, index);
    // The bonus comes out of the round's budget: it shrinks to what the share's shard has left, then stops.
    const { result: claimed, bonusFen } = await claimWithinBonusPool(
      ports.rounds,
      {
        round,
        index,
        openid: member.openid,
        amountFen,
        bonusFen: levelBonusFen(amountFen, multiplier, round.payoutMode),
        at: new Date(nowMs).toISOString(),
        dedupKey,
        memberDay,
        payoutRef,
      },
      limits,
      view.bonusLeftByShard[shardOf(index, round.shards)] ?? 0,
    );
    switch (claimed) {
      case 'claimed': {
        // The hand-off to the payout worker and the count for the reply go side by side.
        const [{ taken, returned }] = await Promise.all([
          ports.rounds.counts(round),
          round.payoutMode !== 'wallet' ? ports.onPayoutOrdered?.(payoutRef).catch(() => undefined) : undefined,
        ]);
        const left = Math.max(0, round.packets - taken - returned);
        if (left === 0) await ports.onRoundEmptied?.(round.campaignId, round.day);
        return { kind: 'won', amountFen, bonusFen, rank: Math.min(taken, round.packets), left, round };
      }
      case 'duplicate': {
        await ports.rounds.unlock(round, index, dedupKey);
        view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
        return { kind: 'replayed', reply: view.earlier?.reply, amountFen: view.earlier?.amountFen ?? amountFen };
      }
      case 'round-limit':
        await ports.rounds.unlock(round, index, dedupKey);
        return { kind: 'already-grabbed', lastFen: view.lastFen, perRound: limits.perRound };
      case 'day-limit':
        await ports.rounds.unlock(round, index, dedupKey);
        return { kind: 'day-limit', perDay: limits.perDay };
      case 'share-gone':
        // Someone else got it first: read the free counts again, so a crowd stops as soon as nothing is left.
        view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
        continue;
    }
  }
  view = await ports.rounds.view(round, member.openid, dedupKey, memberDay);
  return view.freeByShard.some((n) => n > 0) ? { kind: 'busy' } : { kind: 'all-gone', opensAt: schedule.daily.start, hasTomorrow };
}

// Open rounds per store (per container): their snapshot never changes, so a crowd reads it once.
const openRounds = new WeakMap<RoundStore, Map<string, RoundSnapshot>>();

async function openRound(ports: GrabPorts, campaign: CampaignRecord, day: string, deadline?: Deadline): Promise<RoundSnapshot | 'still-opening' | undefined> {
  let cache = openRounds.get(ports.rounds);
  if (!cache) {
    cache = new Map();
    openRounds.set(ports.rounds, cache);
  }
  const key = `${campaign.id}#${day}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let stored = await ports.rounds.get(campaign.id, day);
  if (!stored || stored.status === 'opening') stored = await ports.rounds.open(planRound(campaign, day, ports.random), deadline);
  if (stored.status === 'opening') return 'still-opening';
  if (stored.status !== 'open') return undefined;
  if (cache.size > 100) cache.clear();
  cache.set(key, stored.snapshot);
  return stored.snapshot;
}

/**
 * A share to try in a shard. While most of the shard is free, a random one of its shares is tried
 * blind (no read); once it is mostly taken, a few free ones are read and one of them is picked.
 */
async function pickShare(
  ports: GrabPorts,
  round: RoundSnapshot,
  shard: number,
  freeHere: number,
  random: RandomInt,
  tried: ReadonlySet<number>,
): Promise<number | undefined> {
  const all = sharesOfShard(round, shard).filter((i) => !tried.has(i));
  if (all.length === 0) return undefined;
  if (freeHere * 2 >= all.length) return all[random(all.length)];
  const free = (await ports.rounds.freeShares(round, shard, PICK_FROM + tried.size)).filter((i) => !tried.has(i));
  return free.length ? free[random(free.length)] : undefined;
}

async function multiplierFor(ports: GrabPorts, round: RoundSnapshot, level: string): Promise<number> {
  const own = ownValue(round.levelMultipliers, level);
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
