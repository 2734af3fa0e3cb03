import { conflict, invalidField, notFound, ok, unavailable, type Failed, type MaybeNew, type Result } from '../result';
import { cancelPayout, retryPayout, type CancelResult, type OperatorPorts, type RetryResult } from './operatorActions';
import { BadPayoutCursorError, type Payout, type PayoutOrderState } from './payoutStore';
import { payoutView, type PayoutView } from './payoutView';

/** Orders in one state (or all but paid ones), a page at a time. */
export async function listPayouts(
  ports: Pick<OperatorPorts, 'payouts' | 'clock'>,
  state: Exclude<PayoutOrderState, 'paid'> | undefined,
  page: { limit: number; cursor?: string },
): Promise<Result<{ payouts: PayoutView[]; cursor: string | null }>> {
  try {
    const found = await ports.payouts.listByState(state, page);
    const now = ports.clock.now();
    return ok({ payouts: found.payouts.map((p) => payoutView(p, now)), cursor: found.cursor ?? null });
  } catch (err) {
    if (err instanceof BadPayoutCursorError) return invalidField('cursor', err.message);
    throw err;
  }
}

type View = (p: Payout) => PayoutView;

/** Refusals retry and cancel share: WeChat Pay could not be asked, a send is in flight, the order moved on. */
function commonRefusal(r: Extract<RetryResult | CancelResult, { status: 'unverified' | 'in-flight' | 'conflict' }>, view: View): Failed {
  if (r.status === 'unverified')
    return unavailable(`could not verify the order at WeChat Pay (${r.reason}); nothing was changed, try again`, { payout: view(r.payout) });
  if (r.status === 'in-flight') return conflict('a send to WeChat Pay is in flight; try again in a minute', { payout: view(r.payout) });
  return conflict('the order changed meanwhile; reload it', { payout: view(r.payout) });
}

export type RetryAnswer =
  | { action: 'requeued' | 'refunded-to-wallet'; message: string; payout: PayoutView }
  | { action: 'reordered' | 'already-reordered'; message: string; payout: PayoutView; previous: PayoutView };

/** An operator's retry (lib/payouts/operatorActions.ts) and what to tell them about it; new when it made a new order. */
export async function retryPayoutAsOperator(ports: OperatorPorts, ref: string): Promise<Result<MaybeNew<RetryAnswer>>> {
  const r = await retryPayout(ports, ref);
  const view: View = (p) => payoutView(p, ports.clock.now());
  switch (r.status) {
    case 'missing':
      return notFound('payout not found');
    case 'requeued':
      return ok({ isNew: false, answer: { action: 'requeued', message: 'sent again under the same ref now', payout: view(r.payout) } });
    case 'reordered':
    case 'already-reordered':
      return ok({
        isNew: r.status === 'reordered',
        answer: {
          action: r.status,
          message: `a new order ${r.payout.ref} pays it; ${r.previous.ref} stays failed`,
          payout: view(r.payout),
          previous: view(r.previous),
        },
      });
    case 'refunded-to-wallet':
      return r.now
        ? ok({ isNew: false, answer: { action: 'refunded-to-wallet', message: 'the money went back to the member’s wallet', payout: view(r.payout) } })
        : conflict('this withdrawal failed and its money is back in the member’s wallet; the member can withdraw again', {
            action: 'refunded-to-wallet',
            payout: view(r.payout),
          });
    case 'still-open-at-wechat-pay':
      return conflict(`WeChat Pay still has this order as ${r.wechatPayState}; a new order could pay twice`, {
        wechatPayState: r.wechatPayState,
        payout: view(r.payout),
      });
    case 'unverified':
    case 'in-flight':
    case 'conflict':
      return commonRefusal(r, view);
    case 'not-retryable':
      return conflict(`a ${r.payout.state} order ${r.payout.erasedAt ? 'of an erased member ' : ''}cannot be retried`, { payout: view(r.payout) });
  }
}

export type CancelAnswer = { action: 'cancelled'; refundedToWallet: boolean; payout: PayoutView } | { action: 'already-cancelled'; payout: PayoutView };

/** An operator's cancel (lib/payouts/operatorActions.ts) and what to tell them about it. */
export async function cancelPayoutAsOperator(ports: OperatorPorts, ref: string, reason: string): Promise<Result<CancelAnswer>> {
  const r = await cancelPayout(ports, ref, reason);
  const view: View = (p) => payoutView(p, ports.clock.now());
  switch (r.status) {
    case 'missing':
      return notFound('payout not found');
    case 'cancelled':
      return ok({ action: 'cancelled', refundedToWallet: r.refundedToWallet, payout: view(r.payout) });
    case 'already-cancelled':
      return ok({ action: 'already-cancelled', payout: view(r.payout) });
    case 'exists-at-wechat-pay':
      return conflict(`WeChat Pay has this order (${r.wechatPayState}); it can no longer be cancelled here`, {
        wechatPayState: r.wechatPayState,
        payout: view(r.payout),
      });
    case 'unverified':
    case 'in-flight':
    case 'conflict':
      return commonRefusal(r, view);
    case 'not-cancellable':
      return conflict(`only held or pending orders can be cancelled; this one is ${r.payout.state}`, { payout: view(r.payout) });
  }
}
