import { z } from 'zod';
import { createdIfNew, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { OperatorPorts } from './operatorActions';
import { cancelPayoutAsOperator, listPayouts, retryPayoutAsOperator } from './operatorRequests';
import { PAYOUT_STATES } from './payoutStore';

const LISTED = PAYOUT_STATES.filter((s) => s !== 'paid') as Exclude<(typeof PAYOUT_STATES)[number], 'paid'>[];
const listSchema = z.object({
  state: z.enum(LISTED as [string, ...string[]], { message: `one of ${LISTED.join(', ')} (paid orders are in the campaign report)` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
const refSchema = z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'a payout ref is 1–32 letters and digits');
const cancelSchema = z.object({ reason: z.string().trim().min(1).max(200).optional() }).optional();

/** GET /admin/payouts?state=&cursor=, POST /admin/payouts/{ref}/retry | cancel. */
export function payoutRoutes(ports: OperatorPorts): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/payouts',
      roles: ['marketer'],
      run: (req) =>
        withBody(listSchema, req.query, async ({ state, limit, cursor }) =>
          respond(await listPayouts(ports, state as (typeof LISTED)[number] | undefined, { limit, cursor })),
        ),
    },
    {
      method: 'POST',
      path: '/admin/payouts/{ref}/retry',
      roles: [],
      run: (req) => withBody(refSchema, req.params.ref, async (ref) => respond(await retryPayoutAsOperator(ports, ref), createdIfNew)),
    },
    {
      method: 'POST',
      path: '/admin/payouts/{ref}/cancel',
      roles: [],
      run: (req) =>
        withBody(refSchema, req.params.ref, (ref) =>
          withBody(cancelSchema, req.body || undefined, async (body) =>
            respond(await cancelPayoutAsOperator(ports, ref, body?.reason ?? 'cancelled by an operator')),
          ),
        ),
    },
  ];
}
