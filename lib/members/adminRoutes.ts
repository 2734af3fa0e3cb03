import { z } from 'zod';
import type { Clock } from '../clock/clock';
import type { ConfigDocument } from '../store/configDocument';
import type { ExpiryPolicy } from './pointLots';
import { expiryPolicySchema } from './pointsPolicySchema';
import { json } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import { BadCursorError } from './dynamoPointsLedger';
import { changePoints, type PointsPorts } from './grantPoints';
import { serviceWindowEndsAt } from './member';
import type { MemberStore } from './memberStore';

/** The body of POST /admin/members/{openid}/points (the console builds it from this type). */
export const pointsChangeSchema = z.object({
  delta: z.number().int().refine((n) => n !== 0, 'must not be 0').refine((n) => Math.abs(n) <= 1_000_000, 'at most 1,000,000 at once'),
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
      run: async (req) => {
        const member = await ports.members.get(req.params.openid!);
        if (!member) return notFound(`member ${req.params.openid}`);
        const windowEnds = serviceWindowEndsAt(member);
        return json(200, { ...member, serviceWindowEndsAt: windowEnds ? new Date(windowEnds).toISOString() : null });
      },
    },
    {
      // Persona attributes (null removes one): they feed segments such as { "region": "上海" }.
      method: 'PUT',
      path: '/admin/members/{openid}/attributes',
      run: (req) =>
        withBody(attributesSchema, req.body, async (attributes) => {
          const member = await ports.members.setAttributes(req.params.openid!, attributes, ports.points.clock.now());
          return member ? json(200, member) : notFound(`member ${req.params.openid}`);
        }),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/points',
      run: (req) =>
        withBody(pageSchema, req.query, async ({ limit, cursor }) => {
          const member = await ports.members.get(req.params.openid!);
          if (!member) return notFound(`member ${req.params.openid}`);
          try {
            const page = await ports.points.ledger.list(member.openid, { limit, cursor });
            return json(200, { balance: member.points, lifetimePoints: member.lifetimePoints ?? 0, ledger: page.entries, cursor: page.cursor ?? null });
          } catch (err) {
            if (err instanceof BadCursorError) return json(400, { error: `cursor: ${err.message}` });
            throw err;
          }
        }),
    },
    {
      method: 'POST',
      path: '/admin/members/{openid}/points',
      run: (req) =>
        withBody(pointsChangeSchema, req.body, async (input) => {
          const r = await changePoints(ports.points, req.params.openid!, { ...input, kind: input.delta > 0 ? 'grant' : 'adjust' });
          switch (r.status) {
            case 'applied':
              return json(201, { balance: r.member.points, level: r.member.level, entry: r.entry });
            case 'duplicate':
              return json(200, { duplicate: true, entry: r.entry });
            case 'insufficient':
              return json(409, { error: `balance ${r.balance} is too low for ${input.delta}`, balance: r.balance });
            case 'no-member':
              return notFound(`member ${req.params.openid}`);
          }
        }),
    },
  ];
}

/** When earned points expire: `{ "type": "endOfNextYear" }`, `{ "type": "days", "days": 365 }` or `{ "type": "never" }`. */
export function pointsPolicyRoutes(ports: { policy: ConfigDocument<ExpiryPolicy>; clock: Clock }): Route[] {
  return [
    { method: 'GET', path: '/admin/points-policy', run: async () => json(200, { expiry: await ports.policy.get() }) },
    {
      method: 'PUT',
      path: '/admin/points-policy',
      run: (req) =>
        withBody(z.object({ expiry: expiryPolicySchema }), req.body, async ({ expiry }) => {
          await ports.policy.put(expiry, ports.clock.now());
          return json(200, { expiry });
        }),
    },
  ];
}
