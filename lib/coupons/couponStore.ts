import type { Coupon, CouponTemplate } from './coupon';

export interface CouponTemplateStore {
  list(): Promise<CouponTemplate[]>;
  get(id: string): Promise<CouponTemplate | undefined>;
  /** False when a template with this id exists already. */
  create(template: CouponTemplate): Promise<boolean>;
  /** False when there is no such template. */
  replace(template: CouponTemplate): Promise<boolean>;
  /** False when there was no such template. */
  remove(id: string): Promise<boolean>;
}

export type IssueWrite = { status: 'issued' } | { status: 'duplicate'; coupon: Coupon } | { status: 'no-member' } | { status: 'code-taken' };

export type RedeemResult =
  | { status: 'redeemed'; coupon: Coupon }
  | { status: 'already-redeemed'; coupon: Coupon }
  | { status: 'expired'; coupon: Coupon }
  | { status: 'not-yet-valid'; coupon: Coupon }
  | { status: 'unknown' };

export interface CouponStore {
  /** The coupon an earlier issue with this member's idempotency key produced. */
  byIdempotencyKey(openid: string, key: string): Promise<Coupon | undefined>;
  /** Writes the coupon, its entry in the member's list and the key record (if any) at once. */
  issue(coupon: Coupon, idempotencyKey?: string): Promise<IssueWrite>;
  get(code: string): Promise<Coupon | undefined>;
  /** Redeems exactly once: only an issued coupon inside its validity window. */
  redeem(code: string, nowMs: number, by?: string): Promise<RedeemResult>;
  /** All of a member's coupons, newest first. */
  listOf(openid: string): Promise<Coupon[]>;
}
