import { z } from 'zod';
import type { CouponValue } from './coupon';
import type { Validity } from './validity';

// Admin-side validation only: the callback bundle imports the types in coupon.ts, not zod.
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

export const couponValueSchema = z.discriminatedUnion('type', [
  /** Money off, in fen (500 = ¥5). */
  z.object({ type: z.literal('amount'), fen: z.number().int().min(1).max(10_000_000) }),
  /** Percent off (10 = 10% off). */
  z.object({ type: z.literal('percent'), percent: z.number().int().min(1).max(100) }),
  /** A free item. */
  z.object({ type: z.literal('item'), item: z.string().trim().min(1).max(64) }),
]) satisfies z.ZodType<CouponValue>;

export const validitySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('endOfWeek') }),
  z.object({ type: z.literal('days'), days: z.number().int().min(1).max(3660) }),
  z.object({ type: z.literal('fixed'), from: isoDate, to: isoDate }).refine((v) => v.from <= v.to, { message: 'must not be before from', path: ['to'] }),
]) satisfies z.ZodType<Validity>;

export const templateIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and - (1–64), e.g. free-hongshaorou');

const templateShape = {
  title: z.string().trim().min(1).max(64),
  value: couponValueSchema.optional(),
  validity: validitySchema,
  description: z.string().trim().max(500).optional(),
};
/** Body of `PUT /admin/coupon-templates/{id}` (an `id` in the body, if any, must match the path). */
export const templateInputSchema = z.object({ ...templateShape, id: templateIdSchema.optional() });
/** Body of `POST /admin/coupon-templates`. */
export const templateCreateSchema = z.object({ ...templateShape, id: templateIdSchema });
