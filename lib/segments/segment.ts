import { z } from 'zod';
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

/** How deep `all` / `any` / `not` may nest: a leaf alone has depth 1. */
export const MAX_SEGMENT_DEPTH = 5;
/** Children of one `all` / `any`. */
export const MAX_SEGMENT_CHILDREN = 20;

const range = (max: number) =>
  z
    .strictObject({ gte: z.number().int().min(0).max(max).optional(), lte: z.number().int().min(0).max(max).optional() })
    .refine((r) => r.gte !== undefined || r.lte !== undefined, 'give gte, lte or both')
    .refine((r) => r.gte === undefined || r.lte === undefined || r.gte <= r.lte, 'gte must not be above lte');

const leafSchemas = {
  level: z.strictObject({ in: z.array(z.string().min(1).max(16)).min(1, 'list at least one level').max(20) }),
  tag: z.string().min(1).max(32),
  dormantDays: range(36_500),
  subscribed: z.boolean(),
  source: z.string().min(1).max(64),
  pointsBalance: range(1_000_000_000),
  region: z.string().min(1).max(32),
  birthdayMonth: z.strictObject({ in: z.array(z.number().int().min(1).max(12)).min(1).max(12) }),
  purchaseCategory: z.string().min(1).max(32),
} as const;

const KEYS = ['all', 'any', 'not', ...Object.keys(leafSchemas)] as const;

type Issue = { path: (string | number)[]; message: string };

function check(value: unknown, path: (string | number)[], depth: number, out: Issue[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.push({ path, message: `expected a segment object with one of ${KEYS.join(', ')}` });
    return;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    out.push({ path, message: `a segment has exactly one key (one of ${KEYS.join(', ')}), got ${keys.length ? keys.join(', ') : 'none'}` });
    return;
  }
  const key = keys[0]!;
  const inner = (value as Record<string, unknown>)[key];
  if (key === 'all' || key === 'any' || key === 'not') {
    if (depth >= MAX_SEGMENT_DEPTH) {
      out.push({ path: [...path, key], message: `segments nest at most ${MAX_SEGMENT_DEPTH} deep` });
      return;
    }
    if (key === 'not') return check(inner, [...path, key], depth + 1, out);
    if (!Array.isArray(inner) || inner.length === 0 || inner.length > MAX_SEGMENT_CHILDREN) {
      out.push({ path: [...path, key], message: `expected a list of 1–${MAX_SEGMENT_CHILDREN} segments` });
      return;
    }
    inner.forEach((child, i) => check(child, [...path, key, i], depth + 1, out));
    return;
  }
  const schema = (leafSchemas as Record<string, z.ZodType>)[key];
  if (!schema) {
    out.push({ path: [...path, key], message: `unknown segment key; use one of ${KEYS.join(', ')}` });
    return;
  }
  const parsed = schema.safeParse(inner);
  if (!parsed.success) for (const i of parsed.error.issues) out.push({ path: [...path, key, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
}

/**
 * Validates a segment; errors name the path inside it, e.g. `segment.all.1.level.in: list at
 * least one level` (when the schema is used for a `segment` field).
 */
export const segmentSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const issues: Issue[] = [];
    check(value, [], 1, issues);
    for (const i of issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  })
  .transform((v) => v as Segment);

export const DAY_MS = 86_400_000;

/** Whole days since the member last interacted (undefined when it never did). */
export function dormantDaysOf(member: Pick<Member, 'lastInteractionAt'>, nowMs: number): number | undefined {
  if (!member.lastInteractionAt) return undefined;
  const at = Date.parse(member.lastInteractionAt);
  return Number.isNaN(at) ? undefined : Math.floor((nowMs - at) / DAY_MS);
}

const inRange = (n: number | undefined, r: { gte?: number; lte?: number }) =>
  n !== undefined && (r.gte === undefined || n >= r.gte) && (r.lte === undefined || n <= r.lte);

export type SegmentMember = Pick<Member, 'level' | 'tags' | 'lastInteractionAt' | 'subscribed' | 'source' | 'points' | 'region' | 'birthdayMonth' | 'purchaseCategories'>;

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
