import { z } from 'zod';
import { json } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import { normalizeCouponCode } from './code';
import { defaultValue, type CouponTemplate } from './coupon';
import { templateCreateSchema, templateInputSchema } from './couponSchemas';
import { couponsOf, issueCoupon, redeemCoupon, validCouponsOf, type CouponPorts } from './issueCoupon';

const issueSchema = z.object({
  templateId: z.string().min(1).max(64),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'letters, digits and : _ . - (1–128)').optional(),
});
export const couponListSchema = z.object({ status: z.enum(['valid', 'all']).default('valid') });
export const redeemSchema = z.object({ by: z.string().trim().min(1).max(64).optional() }).default({});

type TemplateInput = z.infer<typeof templateInputSchema>;

export function couponRoutes(ports: CouponPorts): Route[] {
  const stamp = (id: string, { id: _id, value, ...input }: TemplateInput): CouponTemplate => ({
    id,
    ...input,
    value: value ?? defaultValue(input.title),
    updatedAt: new Date(ports.clock.now()).toISOString(),
  });
  return [
    {
      method: 'GET',
      path: '/admin/coupon-templates',
      run: async () => json(200, { templates: (await ports.templates.list()).sort((a, b) => a.id.localeCompare(b.id)) }),
    },
    {
      method: 'POST',
      path: '/admin/coupon-templates',
      run: (req) =>
        withBody(templateCreateSchema, req.body, async (input) => {
          const template = stamp(input.id, input);
          if (!(await ports.templates.create(template))) return json(409, { error: `template ${input.id} exists already; use PUT to change it` });
          return json(201, template);
        }),
    },
    {
      method: 'GET',
      path: '/admin/coupon-templates/{id}',
      run: async (req) => {
        const template = await ports.templates.get(req.params.id!);
        return template ? json(200, template) : notFound(`coupon template ${req.params.id}`);
      },
    },
    {
      method: 'PUT',
      path: '/admin/coupon-templates/{id}',
      run: (req) =>
        withBody(templateInputSchema, req.body, async (input) => {
          if (input.id !== undefined && input.id !== req.params.id) return json(400, { error: `id: must be ${req.params.id} (the id in the path) or left out` });
          const template = stamp(req.params.id!, input);
          return (await ports.templates.replace(template)) ? json(200, template) : notFound(`coupon template ${req.params.id}`);
        }),
    },
    {
      method: 'DELETE',
      path: '/admin/coupon-templates/{id}',
      run: async (req) => ((await ports.templates.remove(req.params.id!)) ? { statusCode: 204, body: '' } : notFound(`coupon template ${req.params.id}`)),
    },
    {
      method: 'POST',
      path: '/admin/members/{openid}/coupons',
      run: (req) =>
        withBody(issueSchema, req.body, async ({ templateId, idempotencyKey }) => {
          const r = await issueCoupon(ports, req.params.openid!, templateId, idempotencyKey);
          switch (r.status) {
            case 'issued':
              return json(201, r.coupon);
            case 'duplicate':
              return json(200, r.coupon);
            case 'key-reused':
              return json(409, { error: `idempotencyKey was used for a coupon of template ${r.coupon.templateId}`, coupon: r.coupon });
            case 'no-member':
              return notFound(`member ${req.params.openid}`);
            case 'no-template':
              return notFound(`coupon template ${templateId}`);
          }
        }),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/coupons',
      run: (req) =>
        withBody(couponListSchema, req.query, async ({ status }) => {
          const now = ports.clock.now();
          const coupons = status === 'valid' ? await validCouponsOf(ports, req.params.openid!, now) : await couponsOf(ports, req.params.openid!, now);
          return json(200, { coupons });
        }),
    },
    {
      method: 'POST',
      path: '/admin/coupons/{code}/redeem',
      run: (req) =>
        withBody(redeemSchema, req.body === '' ? undefined : req.body, async ({ by }) => {
          const code = normalizeCouponCode(req.params.code!);
          if (!code) return notFound(`coupon ${req.params.code}`);
          const r = await redeemCoupon(ports, code, by);
          switch (r.status) {
            case 'redeemed':
              return json(200, r.coupon);
            case 'already-redeemed':
              return json(409, { error: `already redeemed at ${r.coupon.redeemedAt}${r.coupon.redeemedBy ? ` by ${r.coupon.redeemedBy}` : ''}`, reason: 'already-redeemed', redeemedAt: r.coupon.redeemedAt, coupon: r.coupon });
            case 'expired':
              return json(409, { error: `expired at ${r.coupon.validUntil}`, reason: 'expired', coupon: r.coupon });
            case 'not-yet-valid':
              return json(409, { error: `not valid before ${r.coupon.validFrom}`, reason: 'not-yet-valid', coupon: r.coupon });
            case 'unknown':
              return notFound(`coupon ${code}`);
          }
        }),
    },
  ];
}
