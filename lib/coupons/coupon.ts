import { z } from 'zod';
import type { Validity } from './validity';

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
]);
export type CouponValue = z.infer<typeof couponValueSchema>;

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

export interface CouponTemplate {
  id: string;
  title: string;
  value: CouponValue;
  validity: Validity;
  description?: string;
  updatedAt: string;
}

/**
 * A template without a value is a free item named after its title, with a leading "free " or
 * "免费" removed: "free 红烧肉" → `{ type: "item", item: "红烧肉" }`.
 */
export function defaultValue(title: string): CouponValue {
  const item = title.replace(/^\s*(free\s+|免费)/i, '').trim();
  return { type: 'item', item: item || title };
}

export type CouponStatus = 'issued' | 'redeemed';

export interface Coupon {
  code: string;
  templateId: string;
  title: string;
  value: CouponValue;
  openid: string;
  issuedAt: string;
  validFrom: string;
  validUntil: string;
  status: CouponStatus;
  redeemedAt?: string;
  redeemedBy?: string;
}

/** What a coupon is at an instant: the stored status plus the clock. */
export type CouponState = 'valid' | 'not-yet-valid' | 'expired' | 'redeemed';

export function couponState(c: Coupon, nowMs: number): CouponState {
  if (c.status === 'redeemed') return 'redeemed';
  const now = new Date(nowMs).toISOString();
  if (now > c.validUntil) return 'expired';
  if (now < c.validFrom) return 'not-yet-valid';
  return 'valid';
}

/** A member's "valid" coupons: issued, not redeemed and not expired (including ones not started yet). */
export const isUnspent = (c: Coupon, nowMs: number) => c.status === 'issued' && new Date(nowMs).toISOString() <= c.validUntil;
