import type { Validity } from './validity';

export type CouponValue =
  /** Money off, in fen (500 = ¥5). */
  | { type: 'amount'; fen: number }
  /** Percent off (10 = 10% off). */
  | { type: 'percent'; percent: number }
  /** A free item. */
  | { type: 'item'; item: string };

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
