import { z } from 'zod';
import { createdIfNew, createdResponse, noContentResponse, okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { templateCreateSchema, templateInputSchema } from './couponSchemas';
import type { CouponPorts } from './issueCoupon';
import { createTemplate, deleteTemplate, getTemplate, listTemplates, replaceTemplate } from './manageTemplates';
import { couponsOfMember, issueCouponToMember, redeemCouponCode } from './memberCoupons';

const issueSchema = z.object({
  templateId: z.string().min(1).max(64),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'letters, digits and : _ . - (1–128)')
    .optional(),
});
export const couponListSchema = z.object({ status: z.enum(['valid', 'all']).default('valid') });
export const redeemSchema = z.object({ by: z.string().trim().min(1).max(64).optional() }).default({});

export function couponRoutes(ports: CouponPorts): Route[] {
  return [
    { method: 'GET', path: '/admin/coupon-templates', roles: ['marketer', 'operator', 'agent'], run: async () => okResponse(await listTemplates(ports)) },
    {
      method: 'POST',
      path: '/admin/coupon-templates',
      roles: ['marketer'],
      run: (req) => withBody(templateCreateSchema, req.body, async (input) => respond(await createTemplate(ports, input), createdResponse)),
    },
    {
      method: 'GET',
      path: '/admin/coupon-templates/{id}',
      roles: ['marketer', 'operator', 'agent'],
      run: async (req) => respond(await getTemplate(ports, req.params.id!)),
    },
    {
      method: 'PUT',
      path: '/admin/coupon-templates/{id}',
      roles: ['marketer'],
      run: (req) => withBody(templateInputSchema, req.body, async (input) => respond(await replaceTemplate(ports, req.params.id!, input))),
    },
    {
      method: 'DELETE',
      path: '/admin/coupon-templates/{id}',
      roles: ['marketer'],
      run: async (req) => respond(await deleteTemplate(ports, req.params.id!), noContentResponse),
    },
    {
      method: 'POST',
      path: '/admin/members/{openid}/coupons',
      roles: ['marketer', 'operator'],
      run: (req) =>
        withBody(issueSchema, req.body, async ({ templateId, idempotencyKey }) =>
          respond(await issueCouponToMember(ports, req.params.openid!, templateId, idempotencyKey), createdIfNew),
        ),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/coupons',
      roles: ['operator', 'agent', 'marketer'],
      run: (req) => withBody(couponListSchema, req.query, async ({ status }) => okResponse(await couponsOfMember(ports, req.params.openid!, status))),
    },
    {
      method: 'POST',
      path: '/admin/coupons/{code}/redeem',
      roles: ['operator'],
      run: (req) =>
        withBody(redeemSchema, req.body === '' ? undefined : req.body, async ({ by }) => respond(await redeemCouponCode(ports, req.params.code!, by))),
    },
  ];
}
