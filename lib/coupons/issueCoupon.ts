import type { Clock } from '../clock/clock';
import type { Table } from '../store/dynamo';
import { newCouponCode } from './code';
import { couponState, isUnspent, type Coupon, type CouponState } from './coupon';
import type { CouponStore, CouponTemplateStore, RedeemResult } from './couponStore';
import { dynamoCoupons, dynamoCouponTemplates } from './dynamoCouponStore';
import { couponValidity, type Validity } from './validity';

export interface CouponPorts {
  coupons: CouponStore;
  templates: CouponTemplateStore;
  clock: Clock;
  /** The account's time zone (validity is counted in its business days). */
  timeZone: string;
}

/** The coupon ports wired to the single DynamoDB table. */
export function dynamoCouponPorts(table: Table, clock: Clock, timeZone: string): CouponPorts {
  return { coupons: dynamoCoupons(table), templates: dynamoCouponTemplates(table), clock, timeZone };
}

export type IssueResult =
  | { status: 'issued'; coupon: Coupon }
  /** The idempotency key was used before: the coupon that issue produced. */
  | { status: 'duplicate'; coupon: Coupon }
  /** The idempotency key was used before for another template: nothing issued. */
  | { status: 'key-reused'; coupon: Coupon }
  | { status: 'no-member' }
  | { status: 'no-template' };

const MAX_CODE_ATTEMPTS = 5;

/**
 * Issues one coupon of a template to a member. With an idempotency key (per member), calling again
 * returns the first coupon instead of a second one — campaigns should pass e.g. `redpacket:<drawId>`.
 */
export async function issueCoupon(
  ports: CouponPorts,
  openid: string,
  templateId: string,
  idempotencyKey?: string,
  /** A prize may set its own validity and zone (e.g. end of the week in the campaign's zone). */
  override?: { validity?: Validity; timeZone?: string },
): Promise<IssueResult> {
  const seen = (coupon: Coupon): IssueResult => (coupon.templateId === templateId ? { status: 'duplicate', coupon } : { status: 'key-reused', coupon });
  if (idempotencyKey) {
    const earlier = await ports.coupons.byIdempotencyKey(openid, idempotencyKey);
    if (earlier) return seen(earlier);
  }
  const template = await ports.templates.get(templateId);
  if (!template) return { status: 'no-template' };
  const now = ports.clock.now();
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const coupon: Coupon = {
      code: newCouponCode(),
      templateId: template.id,
      title: template.title,
      value: template.value,
      openid,
      issuedAt: new Date(now).toISOString(),
      ...couponValidity(override?.validity ?? template.validity, now, override?.timeZone ?? ports.timeZone),
      status: 'issued',
    };
    const r = await ports.coupons.issue(coupon, idempotencyKey);
    switch (r.status) {
      case 'issued':
        return { status: 'issued', coupon };
      case 'duplicate':
        return seen(r.coupon);
      case 'no-member':
        return { status: 'no-member' };
      case 'code-taken':
        continue;
    }
  }
  throw new Error(`coupons: could not issue ${templateId} to ${openid} after ${MAX_CODE_ATTEMPTS} attempts`);
}

/** Redeems a coupon by its (canonical) code, at most once. */
export function redeemCoupon(ports: CouponPorts, code: string, by?: string): Promise<RedeemResult> {
  return ports.coupons.redeem(code, ports.clock.now(), by);
}

/** A member's coupons with their state now, newest first. */
export async function couponsOf(ports: Pick<CouponPorts, 'coupons'>, openid: string, nowMs: number): Promise<(Coupon & { state: CouponState })[]> {
  return (await ports.coupons.listOf(openid)).map((c) => ({ ...c, state: couponState(c, nowMs) }));
}

/**
 * A member's coupons that can still be used: issued, not redeemed, not expired (a fixed-date coupon
 * that has not started yet is included, with state `not-yet-valid`). Soonest to expire first.
 */
export async function validCouponsOf(ports: Pick<CouponPorts, 'coupons'>, openid: string, nowMs: number): Promise<(Coupon & { state: CouponState })[]> {
  return (await couponsOf(ports, openid, nowMs))
    .filter((c) => isUnspent(c, nowMs))
    .sort((a, b) => a.validUntil.localeCompare(b.validUntil) || a.code.localeCompare(b.code));
}
