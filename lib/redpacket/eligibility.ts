import { matchesSegment, type Segment, type SegmentMember } from '../segments/match';

export type NotEligible = { reason: 'level'; levels: string[] } | { reason: 'segment' };

/**
 * Why a member is outside a campaign's segment, in words a follower can act on: a level rule that
 * fails is named ("金卡 and 钻石 only"); anything else is "this packet is for selected members".
 */
export function whyNotEligible(segment: Segment | undefined, member: SegmentMember, nowMs: number): NotEligible | undefined {
  if (!segment || matchesSegment(segment, member, nowMs)) return undefined;
  const failing = firstFailingLeaf(segment, member, nowMs);
  if (failing && 'level' in failing) return { reason: 'level', levels: failing.level.in };
  return { reason: 'segment' };
}

function firstFailingLeaf(segment: Segment, member: SegmentMember, nowMs: number): Segment | undefined {
  if ('all' in segment) {
    for (const s of segment.all) if (!matchesSegment(s, member, nowMs)) return firstFailingLeaf(s, member, nowMs);
    return undefined;
  }
  if ('any' in segment || 'not' in segment) return segment;
  return segment;
}
