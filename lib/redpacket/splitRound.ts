import { randomInt } from 'node:crypto';

/**
 * How a red-packet round's total is cut into shares, in integer fen. `lucky` cuts a line of the
 * spare money at random points (not the "double mean" method, whose expected share shrinks for later
 * grabbers); `equal` gives everyone the same, the odd fen to random packets. Either way the shares
 * are shuffled, so no position in the queue is luckier than another.
 */
export interface RoundSplit {
  packets: number;
  totalFen: number;
  split: 'lucky' | 'equal';
  minFen: number;
  maxFen: number;
}

export type SplitResult = { ok: true; shares: number[] } | { ok: false; field: keyof RoundSplit; error: string };

/** A uniform integer in [0, n). Injected so tests can seed it. */
export type RandomInt = (n: number) => number;

const defaultRandom: RandomInt = (n) => randomInt(n);
const MAX_PACKETS = 10_000;

export function checkSplit(r: RoundSplit): { field: keyof RoundSplit; error: string } | undefined {
  for (const k of ['packets', 'totalFen', 'minFen', 'maxFen'] as const) {
    if (!Number.isSafeInteger(r[k]) || r[k] < 1) return { field: k, error: `${k} must be a whole number ≥ 1` };
  }
  if (r.packets > MAX_PACKETS) return { field: 'packets', error: `at most ${MAX_PACKETS} packets in a round` };
  if (r.minFen > r.maxFen) return { field: 'minFen', error: `minFen ${r.minFen} is above maxFen ${r.maxFen}` };
  if (r.packets * r.minFen > r.totalFen) {
    return { field: 'totalFen', error: `${r.packets} packets of at least ${r.minFen} fen need ${r.packets * r.minFen} fen, more than totalFen ${r.totalFen}` };
  }
  if (r.packets * r.maxFen < r.totalFen) {
    return { field: 'totalFen', error: `${r.packets} packets of at most ${r.maxFen} fen hold ${r.packets * r.maxFen} fen, less than totalFen ${r.totalFen}` };
  }
  return undefined;
}

export function splitRound(r: RoundSplit, random: RandomInt = defaultRandom): SplitResult {
  const bad = checkSplit(r);
  if (bad) return { ok: false, ...bad };
  const shares = r.split === 'equal' ? equalShares(r) : luckyShares(r, random);
  return { ok: true, shares: shuffle(shares, random) };
}

function equalShares(r: RoundSplit): number[] {
  const base = Math.floor(r.totalFen / r.packets);
  const odd = r.totalFen - base * r.packets;
  // The odd fen go to the first `odd` packets; the shuffle then puts them anywhere.
  return Array.from({ length: r.packets }, (_, i) => base + (i < odd ? 1 : 0));
}

/**
 * Every packet gets minFen; the spare money (total − packets × minFen) is a line cut at packets − 1
 * uniform points. Cuts that give a packet more than its room (maxFen − minFen) are drawn again a few
 * times; if the bound is that tight, the excess is handed to packets with room, at random.
 */
function luckyShares(r: RoundSplit, random: RandomInt): number[] {
  const spare = r.totalFen - r.packets * r.minFen;
  const room = r.maxFen - r.minFen;
  let extra = cutLine(spare, r.packets, random);
  for (let attempt = 0; attempt < 20 && extra.some((e) => e > room); attempt++) extra = cutLine(spare, r.packets, random);
  if (extra.some((e) => e > room)) extra = spreadExcess(extra, room, random);
  return extra.map((e) => r.minFen + e);
}

function cutLine(length: number, parts: number, random: RandomInt): number[] {
  const cuts = Array.from({ length: parts - 1 }, () => random(length + 1)).sort((a, b) => a - b);
  const points = [0, ...cuts, length];
  return Array.from({ length: parts }, (_, i) => points[i + 1]! - points[i]!);
}

function spreadExcess(extra: number[], room: number, random: RandomInt): number[] {
  let excess = 0;
  const out = extra.map((e) => {
    if (e <= room) return e;
    excess += e - room;
    return room;
  });
  while (excess > 0) {
    const open = out.flatMap((e, i) => (e < room ? [i] : []));
    const i = open[random(open.length)]!;
    const add = 1 + random(Math.min(room - out[i]!, excess));
    out[i]! += add;
    excess -= add;
  }
  return out;
}

function shuffle<T>(items: T[], random: RandomInt): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
