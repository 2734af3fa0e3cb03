import { z } from 'zod';
import { json, type HttpResult } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import { cancelPayout, retryPayout, type CancelResult, type OperatorPorts, type RetryResult } from './operatorActions';
import { BadPayoutCursorError, PAYOUT_STATES, type Payout } from './payoutStore';

const LISTED = PAYOUT_STATES.filter((s) => s !== 'paid') as Exclude<(typeof PAYOUT_STATES)[number], 'paid'>[];
const listSchema = z.object({
  state: z.enum(LISTED as [string, ...string[]], { message: `one of ${LISTED.join(', ')} (paid orders are in the campaign report)` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
const refSchema = z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'a payout ref is 1–32 letters and digits');
const cancelSchema = z.object({ reason: z.string().trim().min(1).max(200).optional() }).optional();

/** An order as operators see it: times as ISO strings, the send lease as whether a send is in flight. */
export function payoutView(p: Payout, nowMs: number) {
  const { leaseUntil, nextAttemptAt, ...rest } = p;
  return { ...rest, nextAttemptAt: nextAttemptAt ? new Date(nextAttemptAt).toISOString() : null, sendInFlight: (leaseUntil ?? 0) > nowMs };
}

/** GET /admin/payouts?state=&cursor=, POST /admin/payouts/{ref}/retry | cancel. */
export function payoutRoutes(ports: OperatorPorts): Route[] {
  const view = (p: Payout) => payoutView(p, ports.clock.now());
  const withRef = (ref: string | undefined, then: (ref: string) => Promise<HttpResult>) => withBody(refSchema, ref, then);
  return [
    {
      method: 'GET',
      path: '/admin/payouts',
      run: (req) =>
        withBody(listSchema, req.query, async ({ state, limit, cursor }) => {
          try {
            const page = await ports.payouts.listByState(state as (typeof LISTED)[number] | undefined, { limit, cursor });
            return json(200, { payouts: page.payouts.map(view), cursor: page.cursor ?? null });
          } catch (err) {
            if (err instanceof BadPayoutCursorError) return json(400, { error: `cursor: ${err.message}`, issues: [{ path: 'cursor', message: err.message }] });
            throw err;
          }
        }),
    },
    { method: 'POST', path: '/admin/payouts/{ref}/retry', run: (req) => withRef(req.params.ref, async (ref) => retryAnswer(await retryPayout(ports, ref), view)) },
    {
      method: 'POST',
      path: '/admin/payouts/{ref}/cancel',
      run: (req) => withRef(req.params.ref, (ref) => withBody(cancelSchema, req.body || undefined, async (body) => cancelAnswer(await cancelPayout(ports, ref, body?.reason ?? 'cancelled by an operator'), view))),
    },
  ];
}

export type PayoutView = ReturnType<typeof payoutView>;
type View = (p: Payout) => PayoutView;

/** Answers retry and cancel share: WeChat Pay could not be asked, a send is in flight, the order moved on. */
function commonAnswer(r: Extract<RetryResult | CancelResult, { status: 'unverified' | 'in-flight' | 'conflict' }>, view: View): HttpResult {
  if (r.status === 'unverified') return json(503, { error: `could not verify the order at WeChat Pay (${r.reason}); nothing was changed, try again`, payout: view(r.payout) });
  if (r.status === 'in-flight') return json(409, { error: 'a send to WeChat Pay is in flight; try again in a minute', payout: view(r.payout) });
  return json(409, { error: 'the order changed meanwhile; reload it', payout: view(r.payout) });
}

function retryAnswer(r: RetryResult, view: View): HttpResult {
  switch (r.status) {
    case 'missing':
      return notFound('payout');
    case 'requeued':
      return json(200, { action: 'requeued', message: 'sent again under the same ref now', payout: view(r.payout) });
    case 'reordered':
    case 'already-reordered':
      return json(r.status === 'reordered' ? 201 : 200, { action: r.status, message: `a new order ${r.payout.ref} pays it; ${r.previous.ref} stays failed`, payout: view(r.payout), previous: view(r.previous) });
    case 'refunded-to-wallet':
      return r.now
        ? json(200, { action: 'refunded-to-wallet', message: 'the money went back to the member’s wallet', payout: view(r.payout) })
        : json(409, { action: 'refunded-to-wallet', error: 'this withdrawal failed and its money is back in the member’s wallet; the member can withdraw again', payout: view(r.payout) });
    case 'still-open-at-wechat-pay':
      return json(409, { error: `WeChat Pay still has this order as ${r.wechatPayState}; a new order could pay twice`, wechatPayState: r.wechatPayState, payout: view(r.payout) });
    case 'unverified':
    case 'in-flight':
    case 'conflict':
      return commonAnswer(r, view);
    case 'not-retryable':
      return json(409, { error: `a ${r.payout.state} order ${r.payout.erasedAt ? 'of an erased member ' : ''}cannot be retried`, payout: view(r.payout) });
  }
}

function cancelAnswer(r: CancelResult, view: View): HttpResult {
  switch (r.status) {
    case 'missing':
      return notFound('payout');
    case 'cancelled':
      return json(200, { action: 'cancelled', refundedToWallet: r.refundedToWallet, payout: view(r.payout) });
    case 'already-cancelled':
      return json(200, { action: 'already-cancelled', payout: view(r.payout) });
    case 'exists-at-wechat-pay':
      return json(409, { error: `WeChat Pay has this order (${r.wechatPayState}); it can no longer be cancelled here`, wechatPayState: r.wechatPayState, payout: view(r.payout) });
    case 'unverified':
    case 'in-flight':
    case 'conflict':
      return commonAnswer(r, view);
    case 'not-cancellable':
      return json(409, { error: `only held or pending orders can be cancelled; this one is ${r.payout.state}`, payout: view(r.payout) });
  }
}
