import { conflict, notFound, ok, type MaybeNew, type Result } from '../result';
import { normalizeCouponCode } from './code';
import type { Coupon, CouponState } from './coupon';
import { couponsOf, issueCoupon, redeemCoupon, validCouponsOf, type CouponPorts } from './issueCoupon';

/** One coupon of a template to a member; not new when the idempotency key gave it before. */
export async function issueCouponToMember(
  ports: CouponPorts,
  openid: string,
  templateId: string,
  idempotencyKey: string | undefined,
): Promise<Result<MaybeNew<Coupon>>> {
  const r = await issueCoupon(ports, openid, templateId, idempotencyKey);
  switch (r.status) {
    case 'issued':
      return ok({ isNew: true, answer: r.coupon });
    case 'duplicate':
      return ok({ isNew: false, answer: r.coupon });
    case 'key-reused':
      return conflict(`idempotencyKey was used for a coupon of template ${r.coupon.templateId}`, { coupon: r.coupon });
    case 'no-member':
      return notFound(`member ${openid} not found`);
    case 'no-template':
      return notFound(`coupon template ${templateId} not found`);
  }
}

/** A member's coupons with their state now: those still usable, or all. */
export async function couponsOfMember(ports: CouponPorts, openid: string, which: 'valid' | 'all'): Promise<{ coupons: (Coupon & { state: CouponState })[] }> {
  const now = ports.clock.now();
  return { coupons: which === 'valid' ? await validCouponsOf(ports, openid, now) : await couponsOf(ports, openid, now) };
}

/** Redeems a coupon by the code a member shows (any case, spaces or dashes), at most once. */
export async function redeemCouponCode(ports: CouponPorts, shownCode: string, by: string | undefined): Promise<Result<Coupon>> {
  const code = normalizeCouponCode(shownCode);
  if (!code) return notFound(`coupon ${shownCode} not found`);
  const r = await redeemCoupon(ports, code, by);
  switch (r.status) {
    case 'redeemed':
      return ok(r.coupon);
    case 'already-redeemed':
      return conflict(`already redeemed at ${r.coupon.redeemedAt}${r.coupon.redeemedBy ? ` by ${r.coupon.redeemedBy}` : ''}`, {
        reason: 'already-redeemed',
        redeemedAt: r.coupon.redeemedAt,
        coupon: r.coupon,
      });
    case 'expired':
      return conflict(`expired at ${r.coupon.validUntil}`, { reason: 'expired', coupon: r.coupon });
    case 'not-yet-valid':
      return conflict(`not valid before ${r.coupon.validFrom}`, { reason: 'not-yet-valid', coupon: r.coupon });
    case 'unknown':
      return notFound(`coupon ${code} not found`);
  }
}
