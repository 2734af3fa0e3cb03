import { can } from '../access';
import { api, errorText } from '../api';
import { timeIn } from '../dates';
import { h } from '../dom';
import { locale, t } from '../i18n';
import { yuan } from '../money';
import type { AccountInfo, PayoutActionResponse, PayoutView } from '../types';

type Listed = 'held' | 'failed';

/**
 * Payouts WeChat Pay refused: held ones (retried automatically under the same ref) and failed ones,
 * a page at a time, each with retry and (held only) cancel. What the server did is said in a status
 * line; both lists are read again after every action.
 */
export function payoutsPage(account: AccountInfo): HTMLElement {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const lists = { held: payoutList('held'), failed: payoutList('failed') };
  const reloadAll = () => Promise.all([lists.held.load(), lists.failed.load()]);

  function payoutList(state: Listed) {
    const el = h('section', { class: 'card', 'aria-labelledby': `payouts-${state}`, 'data-payouts': state });
    let rows: PayoutView[] = [];
    let cursor: string | null = null;
    async function load(more = false) {
      try {
        const page = await api.payouts(state, more ? (cursor ?? undefined) : undefined);
        rows = more ? [...rows, ...page.payouts] : page.payouts;
        cursor = page.cursor;
        render();
      } catch (err) {
        el.replaceChildren(heading(), h('p', { class: 'error', role: 'alert' }, errorText(err)));
      }
    }
    const heading = () => h('h2', { id: `payouts-${state}` }, t(state === 'held' ? 'payoutsHeld' : 'payoutsFailed'));
    function render() {
      el.replaceChildren(heading(), rows.length ? table(rows) : h('p', {}, t(state === 'held' ? 'payoutsNoneHeld' : 'payoutsNoneFailed')));
      if (cursor) el.append(h('button', { type: 'button', onclick: () => void load(true) }, t('loadMore')));
    }
    return { el, load };
  }

  function table(rows: PayoutView[]) {
    const cols = ['payoutRef', 'payoutMember', 'payoutKind', 'amount', 'payoutReason', 'payoutAttempts', 'payoutNextAttempt', 'actions'] as const;
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'ledger payouts' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            cols.map((k) => h('th', { scope: 'col', class: k === 'amount' || k === 'payoutAttempts' ? 'num' : '' }, t(k))),
          ),
        ),
        h('tbody', {}, rows.map(row)),
      ),
    );
  }

  function row(p: PayoutView) {
    const kind = p.source === 'withdrawal' ? 'payoutKind_withdrawal' : p.mode === 'transfer' ? 'payoutKind_transfer' : 'payoutKind_redpack';
    const button = (label: string, aria: string, onclick: () => void) => h('button', { type: 'button', 'aria-label': aria, onclick }, label);
    const actions =
      p.state === 'failed' && p.retriedAs
        ? h('span', {}, t('payoutRetriedAs', { ref: p.retriedAs }))
        : h(
            'div',
            { class: 'row-actions' },
            p.sendInFlight ? h('span', {}, t('payoutInFlight')) : null,
            can('POST /admin/payouts/{ref}/retry') ? button(t('payoutRetry'), t('payoutRetryLabel', { ref: p.ref }), () => void act(p, 'retry')) : null,
            p.state === 'held' && can('POST /admin/payouts/{ref}/cancel')
              ? button(t('payoutCancel'), t('payoutCancelLabel', { ref: p.ref }), () => {
                  if (confirm(t('payoutConfirmCancel', { ref: p.ref, yuan: yuan(p.amountFen) }))) void act(p, 'cancel');
                })
              : null,
          );
    return h(
      'tr',
      { 'data-payout': p.ref },
      h('td', { class: 'code' }, p.ref),
      h('td', { class: 'openid' }, p.openid),
      h('td', {}, t(kind), p.campaignName && p.source !== 'withdrawal' ? ` · ${p.campaignName}` : ''),
      h('td', { class: 'num' }, yuan(p.amountFen)),
      h('td', {}, (p.state === 'held' ? p.holdReason : p.failReason) ?? '—'),
      h('td', { class: 'num' }, String(p.attempts)),
      h('td', {}, p.state === 'held' && p.nextAttemptAt ? timeIn(account.timeZone, p.nextAttemptAt, locale()) : '—'),
      h('td', {}, actions),
    );
  }

  function said(ref: string, r: PayoutActionResponse): string {
    if (r.action === 'requeued') return t('payoutRequeued', { ref });
    if (r.action === 'reordered' || r.action === 'already-reordered') return t('payoutReordered', { ref, newRef: r.payout.ref });
    if (r.action === 'refunded-to-wallet') return t('payoutRefunded', { ref });
    return t('payoutCancelled', { ref });
  }

  async function act(p: PayoutView, action: 'retry' | 'cancel') {
    status.classList.remove('error');
    try {
      status.textContent = said(p.ref, await api.payoutAction(p.ref, action));
    } catch (err) {
      status.classList.add('error');
      status.textContent = errorText(err);
    }
    await reloadAll();
  }

  void reloadAll();
  return h(
    'div',
    { class: 'page payouts' },
    h('h1', {}, t('navPayouts')),
    h('p', { class: 'hint' }, t('payoutsIntro')),
    status,
    lists.held.el,
    lists.failed.el,
  );
}
