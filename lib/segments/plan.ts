import { DAY_MS, dormantDaysOf, type Segment, type SegmentMember } from './segment';

/**
 * One sharded index query (run over all 16 shards): the tag index (gsi2, one item per member and
 * tag), the level index (gsi1, the profile) or the activity index (gsi3, the profile, sorted by last
 * interaction). `activity` without a range walks every member that ever interacted.
 */
export type IndexSource =
  | { index: 'tag'; tag: string }
  | { index: 'level'; level: string }
  | { index: 'activity'; dormantDays?: { gte?: number; lte?: number } };

export interface SegmentPlan {
  /** The index queries whose union holds every member of the segment (and usually a few more). */
  sources: IndexSource[];
  /** What drives the plan: the chosen predicate, a union of `any` branches, or the activity walk. */
  driver: 'tag' | 'level' | 'dormantDays' | 'union' | 'walk';
}

/**
 * Selectivity order for `all`: a tag marks a hand-picked group, a level a tier, dormancy a time
 * slice. The lower the rank, the fewer items the query reads; the other predicates filter in memory.
 */
export const SELECTIVITY = { tag: 1, level: 2, dormantDays: 3 } as const;

interface Partial {
  sources: IndexSource[];
  rank: number;
  driver: SegmentPlan['driver'];
}

function planOf(segment: Segment): Partial | undefined {
  if ('tag' in segment) return { sources: [{ index: 'tag', tag: segment.tag }], rank: SELECTIVITY.tag, driver: 'tag' };
  if ('level' in segment) {
    return { sources: [...new Set(segment.level.in)].map((level) => ({ index: 'level', level })), rank: SELECTIVITY.level, driver: 'level' };
  }
  if ('dormantDays' in segment) {
    return { sources: [{ index: 'activity', dormantDays: segment.dormantDays }], rank: SELECTIVITY.dormantDays, driver: 'dormantDays' };
  }
  if ('all' in segment) {
    let best: Partial | undefined;
    for (const child of segment.all) {
      const p = planOf(child);
      if (p && (!best || p.rank < best.rank)) best = p;
    }
    return best;
  }
  if ('any' in segment) {
    const parts = segment.any.map(planOf);
    if (parts.some((p) => !p)) return undefined; // one branch needs a walk, so the whole union does
    const seen = new Set<string>();
    const sources = parts
      .flatMap((p) => p!.sources)
      .filter((s) => {
        const k = JSON.stringify(s);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    if (parts.length === 1) return parts[0];
    return { sources, rank: Math.max(...parts.map((p) => p!.rank)) + 0.5, driver: 'union' };
  }
  // `not`, `subscribed`, `source`, `pointsBalance`: no index answers them on their own.
  return undefined;
}

/**
 * Picks the index queries for a segment. Every candidate they return is then checked with
 * `matchesSegment`, so a plan only has to cover the segment, never to be exact. Without any indexed
 * predicate the plan walks the activity index over all shards — never a table Scan.
 */
export function planSegment(segment: Segment): SegmentPlan {
  const p = planOf(segment);
  return p ? { sources: p.sources, driver: p.driver } : { sources: [{ index: 'activity' }], driver: 'walk' };
}

/** Inclusive ISO bounds on `lastInteractionAt` (= gsi3sk) equivalent to whole-day dormancy in a range at `nowMs`. */
export function activityBounds(range: { gte?: number; lte?: number }, nowMs: number): { from?: string; to?: string } {
  return {
    // floor(days) ≤ lte  ⇔  at > now − (lte+1) days  ⇔  at ≥ now − (lte+1) days + 1 ms
    ...(range.lte !== undefined ? { from: new Date(nowMs - (range.lte + 1) * DAY_MS + 1).toISOString() } : {}),
    // floor(days) ≥ gte  ⇔  at ≤ now − gte days
    ...(range.gte !== undefined ? { to: new Date(nowMs - range.gte * DAY_MS).toISOString() } : {}),
  };
}

/** Whether a member appears in one source's index (used to return a member of a union once). */
export function inSource(source: IndexSource, member: SegmentMember, nowMs: number): boolean {
  switch (source.index) {
    case 'tag':
      return (member.tags ?? []).includes(source.tag);
    case 'level':
      return member.level === source.level;
    case 'activity': {
      const days = dormantDaysOf(member, nowMs);
      if (days === undefined) return false;
      const r = source.dormantDays ?? {};
      return (r.gte === undefined || days >= r.gte) && (r.lte === undefined || days <= r.lte);
    }
  }
}
