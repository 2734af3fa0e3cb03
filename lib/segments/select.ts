import { createHash } from 'node:crypto';
import type { Clock } from '../clock/clock';
import type { Member } from '../members/member';
import { inSource, planSegment, type IndexSource } from './plan';
import { matchesSegment, type Segment } from './segment';
import { SHARDS } from './shard';

export type IndexKey = Record<string, string>;

export interface IndexPage {
  /** Members in index order, each with the index key to resume after it. */
  items: { member: Member; key: IndexKey }[];
  lastKey?: IndexKey;
  /** Items DynamoDB returned for this page (index items, plus profiles fetched for tag items). */
  itemsRead: number;
}

/** The port over the sharded indexes. */
export interface SegmentIndex {
  query(source: IndexSource, shard: number, opts: { nowMs: number; limit: number; startKey?: IndexKey }): Promise<IndexPage>;
}

export interface SegmentPorts {
  index: SegmentIndex;
  clock: Clock;
}

export interface SelectPage {
  members: Member[];
  /** Pass back for the next page; absent on the last page. */
  cursor?: string;
  itemsRead: number;
}

export class BadSegmentCursorError extends Error {}

interface CursorState {
  /** Which segment the cursor belongs to. */
  h: string;
  /** The time the first page was evaluated at, so dormancy does not shift between pages. */
  t: number;
  /** Source index in the plan, shard, and where to resume inside that shard. */
  s: number;
  sh: number;
  k?: IndexKey;
}

const segmentHash = (segment: Segment) => createHash('sha256').update(JSON.stringify(segment)).digest('base64url').slice(0, 16);

const encode = (c: CursorState) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(cursor: string, segment: Segment, sources: number): CursorState {
  let c: CursorState;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
  } catch {
    throw new BadSegmentCursorError('cursor is not one we issued');
  }
  const ok =
    typeof c === 'object' &&
    c !== null &&
    c.h === segmentHash(segment) &&
    Number.isSafeInteger(c.t) &&
    Number.isInteger(c.s) &&
    c.s >= 0 &&
    c.s < sources &&
    Number.isInteger(c.sh) &&
    c.sh >= 0 &&
    c.sh < SHARDS &&
    (c.k === undefined || (typeof c.k === 'object' && c.k !== null && Object.values(c.k).every((v) => typeof v === 'string')));
  if (!ok) throw new BadSegmentCursorError('cursor is not one we issued for this segment');
  return c;
}

/**
 * Query page size: what the page still needs, scaled by the share of candidates that passed the
 * in-memory filter so far (at most 1,000). Pure index segments ask for exactly what they need, so
 * no item is read twice; a walk that keeps few candidates asks for more per round trip, at the
 * cost of re-reading the tail of a page it cuts short.
 */
function pageSize(remaining: number, seen: number, kept: number): number {
  const share = seen === 0 ? 1 : Math.max(kept / seen, 0.02);
  return Math.min(1000, Math.max(1, Math.ceil(remaining / share)));
}

/**
 * One page of the members in a segment, read through the planned index queries. Each member
 * appears once across pages (a member found by two branches of an `any` is returned by the first).
 */
export async function selectMembers(ports: SegmentPorts, segment: Segment, opts: { limit: number; cursor?: string }): Promise<SelectPage> {
  const { sources } = planSegment(segment);
  const state: CursorState = opts.cursor ? decode(opts.cursor, segment, sources.length) : { h: segmentHash(segment), t: ports.clock.now(), s: 0, sh: 0 };
  const members: Member[] = [];
  let itemsRead = 0;
  let seen = 0;
  while (state.s < sources.length && members.length < opts.limit) {
    const source = sources[state.s]!;
    const page = await ports.index.query(source, state.sh, {
      nowMs: state.t,
      limit: pageSize(opts.limit - members.length, seen, members.length),
      startKey: state.k,
    });
    itemsRead += page.itemsRead;
    let cut: IndexKey | undefined;
    for (let i = 0; i < page.items.length; i++) {
      const { member, key } = page.items[i]!;
      seen++;
      if (matchesSegment(segment, member, state.t) && !sources.slice(0, state.s).some((earlier) => inSource(earlier, member, state.t))) {
        members.push(member);
      }
      if (members.length === opts.limit && i < page.items.length - 1) {
        cut = key;
        break;
      }
    }
    if (cut) state.k = cut;
    else if (page.lastKey) state.k = page.lastKey;
    else {
      state.k = undefined;
      state.sh += 1;
      if (state.sh === SHARDS) {
        state.sh = 0;
        state.s += 1;
      }
    }
  }
  return { members, itemsRead, ...(state.s < sources.length ? { cursor: encode(state) } : {}) };
}

/** How many shard queries a preview runs at once. */
export const PREVIEW_PARALLELISM = 16;

/**
 * Counts a segment by walking every page of every planned (source, shard) — the shards in parallel,
 * since a count needs no cursor — and keeps the first `sampleSize` openids. Counts exactly what
 * paging through `selectMembers` would return.
 */
export async function previewSegment(
  ports: SegmentPorts,
  segment: Segment,
  sampleSize: number,
): Promise<{ count: number; sample: string[]; itemsRead: number }> {
  const { sources } = planSegment(segment);
  const nowMs = ports.clock.now();
  const jobs = sources.flatMap((source, s) => Array.from({ length: SHARDS }, (_, shard) => ({ source, s, shard })));
  const results: { count: number; itemsRead: number; sample: string[] }[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = next++;
      const { source, s, shard } = jobs[j]!;
      const r = { count: 0, itemsRead: 0, sample: [] as string[] };
      let startKey: IndexKey | undefined;
      do {
        const page = await ports.index.query(source, shard, { nowMs, limit: 1000, startKey });
        r.itemsRead += page.itemsRead;
        for (const { member } of page.items) {
          if (!matchesSegment(segment, member, nowMs) || sources.slice(0, s).some((earlier) => inSource(earlier, member, nowMs))) continue;
          r.count++;
          if (r.sample.length < sampleSize) r.sample.push(member.openid);
        }
        startKey = page.lastKey;
      } while (startKey);
      results[j] = r;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREVIEW_PARALLELISM, jobs.length) }, worker));
  return {
    count: results.reduce((n, r) => n + r.count, 0),
    sample: results.flatMap((r) => r.sample).slice(0, sampleSize),
    itemsRead: results.reduce((n, r) => n + r.itemsRead, 0),
  };
}

/** How many subscribed members the segment holds, counting no further than `max` (a threshold check reads no more than it needs). */
export async function countSubscribedUpTo(ports: SegmentPorts, segment: Segment, max: number): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await selectMembers(ports, segment, { limit: 1000, cursor });
    count += page.members.filter((m) => m.subscribed).length;
    cursor = page.cursor;
  } while (cursor && count < max);
  return count;
}
