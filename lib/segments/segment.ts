import { z } from 'zod';
import { ownValue } from '../records/own';

export type { Segment, SegmentMember } from './match';
export { DAY_MS, dormantDaysOf, matchesSegment } from './match';
import type { Segment } from './match';

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
    if (key === 'not') {
      check(inner, [...path, key], depth + 1, out);
      return;
    }
    if (!Array.isArray(inner) || inner.length === 0 || inner.length > MAX_SEGMENT_CHILDREN) {
      out.push({ path: [...path, key], message: `expected a list of 1–${MAX_SEGMENT_CHILDREN} segments` });
      return;
    }
    inner.forEach((child, i) => {
      check(child, [...path, key, i], depth + 1, out);
    });
    return;
  }
  const schema = ownValue<z.ZodType>(leafSchemas, key);
  if (!schema) {
    out.push({ path: [...path, key], message: `unknown segment key; use one of ${KEYS.join(', ')}` });
    return;
  }
  const parsed = schema.safeParse(inner);
  if (!parsed.success)
    for (const i of parsed.error.issues) out.push({ path: [...path, key, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
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
