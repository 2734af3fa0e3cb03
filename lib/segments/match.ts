import type { Member } from '../members/member';

/**
 * The segment language shared by every feature that picks members (previews, member lists,
 * broadcasts, campaigns). A segment is one JSON object with exactly one key.
 */
export type Segment =
  | { all: Segment[] }
  | { any: Segment[] }
  | { not: Segment }
  | { level: { in: string[] } }
  | { tag: string }
  | { dormantDays: { gte?: number; lte?: number } }
  | { subscribed: boolean }
  | { source: string }
  | { pointsBalance: { gte?: number; lte?: number } }
  | { region: string }
  | { birthdayMonth: { in: number[] } }
  | { purchaseCategory: string };

/* Matching lives apart from the zod schema so the callback bundle can check a segment without zod. */
export const DAY_MS = 86_400_000;

/** Whole days since the member last interacted (undefined when it never did). */
export function dormantDaysOf(member: Pick<Member, 'lastInteractionAt'>, nowMs: number): number | undefined {
  if (!member.lastInteractionAt) return undefined;
  const at = Date.parse(member.lastInteractionAt);
  return Number.isNaN(at) ? undefined : Math.floor((nowMs - at) / DAY_MS);
}

const inRange = (n: number | undefined, r: { gte?: number; lte?: number }) =>
  n !== undefined && (r.gte === undefined || n >= r.gte) && (r.lte === undefined || n <= r.lte);

export type SegmentMember = Pick<
  Member,
  'level' | 'tags' | 'lastInteractionAt' | 'subscribed' | 'source' | 'points' | 'region' | 'birthdayMonth' | 'purchaseCategories'
>;

/** Whether one member is in the segment at `nowMs`. Pure: the truth every index plan is checked against. */
export function matchesSegment(segment: Segment, member: SegmentMember, nowMs: number): boolean {
  if ('all' in segment) return segment.all.every((s) => matchesSegment(s, member, nowMs));
  if ('any' in segment) return segment.any.some((s) => matchesSegment(s, member, nowMs));
  if ('not' in segment) return !matchesSegment(segment.not, member, nowMs);
  if ('level' in segment) return segment.level.in.includes(member.level);
  if ('tag' in segment) return (member.tags ?? []).includes(segment.tag);
  if ('dormantDays' in segment) return inRange(dormantDaysOf(member, nowMs), segment.dormantDays);
  if ('subscribed' in segment) return member.subscribed === segment.subscribed;
  if ('source' in segment) return member.source === segment.source;
  if ('pointsBalance' in segment) return inRange(member.points ?? 0, segment.pointsBalance);
  if ('region' in segment) return member.region === segment.region;
  if ('birthdayMonth' in segment) return member.birthdayMonth !== undefined && segment.birthdayMonth.in.includes(member.birthdayMonth);
  if ('purchaseCategory' in segment) return (member.purchaseCategories ?? []).includes(segment.purchaseCategory);
  return false;
}
