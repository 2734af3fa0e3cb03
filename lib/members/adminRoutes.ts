import { z } from 'zod';
import type { Clock } from '../clock/clock';
import type { ConfigDocument } from '../store/configDocument';
import type { ExpiryPolicy } from './pointLots';
import { expiryPolicySchema } from './pointsPolicySchema';
import { createdIfNew, okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { PointsPorts } from './grantPoints';
import { changeMemberPoints, pointsHistory } from './memberPoints';
import { memberProfile, setMemberAttributes } from './memberProfile';
import type { MemberStore } from './memberStore';

/** The body of POST /admin/members/{openid}/points (the console builds it from this type). */
export const pointsChangeSchema = z.object({
  delta: z
    .number()
    .int()
    .refine((n) => n !== 0, 'must not be 0')
    .refine((n) => Math.abs(n) <= 1_000_000, 'at most 1,000,000 at once'),
  reason: z.string().trim().min(1).max(200),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'letters, digits and : _ . - (1–128)'),
});

const attributesSchema = z
  .strictObject({
    region: z.string().trim().min(1).max(32).nullable().optional(),
    birthdayMonth: z.number().int().min(1).max(12).nullable().optional(),
    purchaseCategories: z.array(z.string().trim().min(1).max(32)).max(20).nullable().optional(),
    nickname: z.string().trim().min(1).max(32).nullable().optional(),
  })
  .refine((a) => Object.keys(a).length > 0, 'give at least one of region, birthdayMonth, purchaseCategories, nickname');

const pageSchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(2048).optional() });

export function memberRoutes(ports: { members: MemberStore; points: PointsPorts }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/members/{openid}',
      roles: ['operator', 'agent', 'marketer'],
      run: async (req) => respond(await memberProfile(ports, req.params.openid!)),
    },
    {
      method: 'PUT',
      path: '/admin/members/{openid}/attributes',
      audit: { reads: '/admin/members/{openid}' },
      roles: ['operator', 'agent'],
      run: (req) =>
        withBody(attributesSchema, req.body, async (attributes) =>
          respond(await setMemberAttributes({ members: ports.members, clock: ports.points.clock }, req.params.openid!, attributes)),
        ),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/points',
      roles: ['operator', 'agent', 'marketer'],
      run: (req) => withBody(pageSchema, req.query, async (page) => respond(await pointsHistory(ports, req.params.openid!, page))),
    },
    {
      method: 'POST',
      path: '/admin/members/{openid}/points',
      audit: { reads: '/admin/members/{openid}/points' },
      roles: ['operator'],
      run: (req) =>
        withBody(pointsChangeSchema, req.body, async (change) => respond(await changeMemberPoints(ports, req.params.openid!, change), createdIfNew)),
    },
  ];
}

/** When earned points expire: `{ "type": "endOfNextYear" }`, `{ "type": "days", "days": 365 }` or `{ "type": "never" }`. */
export function pointsPolicyRoutes(ports: { policy: ConfigDocument<ExpiryPolicy>; clock: Clock }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/points-policy',
      roles: ['marketer', 'operator', 'viewer'],
      run: async () => okResponse({ expiry: await ports.policy.get() }),
    },
    {
      method: 'PUT',
      path: '/admin/points-policy',
      roles: ['marketer'],
      run: (req) =>
        withBody(z.object({ expiry: expiryPolicySchema }), req.body, async ({ expiry }) => {
          await ports.policy.put(expiry, ports.clock.now());
          return okResponse({ expiry });
        }),
    },
  ];
}
