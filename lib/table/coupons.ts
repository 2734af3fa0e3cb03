import type { Coupon, CouponTemplate, CouponValue } from '../coupons/coupon';
import { blob, decode, named, isString, oneOf, opt, req, withoutKeys, once, type RawItem, type ShapeOf } from './codec';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/**
 * A coupon is two items written in one transaction: `COUPON#<code>/COUPON` (redeem by code is one
 * key) and `MEMBER#<openid>/COUPON#<issuedAt>#<code>` (a member's list is one query), plus an
 * idempotency record per issue key. Templates live in `CONFIG#COUPON_TEMPLATE`.
 */
export const couponKey = (code: string) => ({ pk: `COUPON#${code}`, sk: 'COUPON' });
export const isCouponKey = (key: { pk: string; sk: string }) => key.pk.startsWith('COUPON#') && key.sk === 'COUPON';
export const MEMBER_COUPON_PREFIX = 'COUPON#';
export const memberCouponKey = (c: Pick<Coupon, 'openid' | 'issuedAt' | 'code'>) => ({
  pk: memberPk(c.openid),
  sk: `${MEMBER_COUPON_PREFIX}${c.issuedAt}#${c.code}`,
});
export const couponIssueKey = (openid: string, key: string) => ({ pk: memberPk(openid), sk: `COUPONKEY#${key}` });
export const COUPON_TEMPLATES_PK = 'CONFIG#COUPON_TEMPLATE';
export const couponTemplateKey = (id: string) => ({ pk: COUPON_TEMPLATES_PK, sk: id });

const couponShape = /* @__PURE__ */ once(
  () =>
    ({
      code: req(isString),
      templateId: req(isString),
      title: req(isString),
      value: req(blob<CouponValue>()),
      openid: req(isString),
      issuedAt: req(isString),
      validFrom: req(isString),
      validUntil: req(isString),
      status: req(oneOf(['issued', 'redeemed'])),
      redeemedAt: opt(isString),
      redeemedBy: opt(isString),
    }) satisfies ShapeOf<Coupon>,
);

/** A coupon item (by code, or the member's copy) as a Coupon. */
export function decodeCoupon(item: RawItem): Coupon {
  return decode(withoutKeys(item), couponShape(), named(item, 'coupon'));
}

/** The template a template item holds. */
export function decodeCouponTemplate(item: RawItem): CouponTemplate {
  return decode(item, { template: req(blob<CouponTemplate>()) }, 'coupon template').template;
}

export const couponItemTypes = (): readonly ItemType[] => [
  { name: 'coupon', key: 'COUPON#<code> / COUPON', names: ['openid'], example: couponKey('C'), writtenBy: 'lib/coupons/dynamoCouponStore.ts' },
  {
    name: "member's coupon copy",
    key: 'MEMBER#<openid> / COUPON#<issuedAt>#<code>',
    names: ['openid'],
    example: memberCouponKey({ openid: 'o', issuedAt: '2026-01-01T00:00:00.000Z', code: 'C' }),
    writtenBy: "lib/coupons/dynamoCouponStore.ts (the member's copy)",
  },
  {
    name: 'coupon issue record',
    key: 'MEMBER#<openid> / COUPONKEY#<key>',
    names: ['openid'],
    example: couponIssueKey('o', 'k'),
    writtenBy: 'lib/coupons/dynamoCouponStore.ts (idempotency of issues)',
  },
  { name: 'coupon template', key: 'CONFIG#COUPON_TEMPLATE / <id>', names: [], example: couponTemplateKey('t'), writtenBy: 'lib/coupons/dynamoCouponStore.ts' },
];
