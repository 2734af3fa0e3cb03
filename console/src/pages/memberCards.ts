import { can } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, setError } from '../dom';
import { isKey, t, type Key } from '../i18n';
import type { LevelHistoryResponse, MemberCoupon, Wallet } from '../types';
import { fenOf, yuan, yuanDigits } from '../money';

/** How a member card writes a time: in the account's zone, in the console's language. */
export type TimeOf = (iso: string | undefined) => string;

function table(heads: Key[], rows: HTMLElement[], cls = ''): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: `ledger ${cls}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          heads.map((k) => h('th', { scope: 'col' }, t(k))),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

function card(id: string, title: Key, ...children: (HTMLElement | null)[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, t(title)), ...children);
}

/** Level history: the changes lib/levels/upgrade.ts records, newest first. */
export function levelHistoryCard(history: LevelHistoryResponse, timeOf: TimeOf): HTMLElement {
  if (!history.changes.length) return card('levels-title', 'levelHistory', h('p', {}, t('levelHistoryEmpty')));
  return card(
    'levels-title',
    'levelHistory',
    table(
      ['at', 'levelFrom', 'levelTo'],
      history.changes.map((c) => h('tr', {}, h('td', {}, timeOf(c.at)), h('td', {}, c.from), h('td', {}, c.to))),
      'level-history',
    ),
  );
}

function couponValue(c: MemberCoupon): string {
  const v = c.value;
  return v.type === 'amount'
    ? t('valueAmount', { yuan: yuanDigits(v.fen) })
    : v.type === 'percent'
      ? t('valuePercent', { n: v.percent })
      : t('valueItem', { item: v.item });
}

/** The member's coupons (all states); a valid one can be redeemed here, exactly once (the API guards it). */
export function couponsCard(openid: string, first: MemberCoupon[], timeOf: TimeOf): HTMLElement {
  const body = h('div', {});
  const status = h('p', { class: 'status', role: 'status', tabindex: -1 });
  const refusal = h('p', { class: 'error', role: 'alert' });
  async function redeem(code: string) {
    status.textContent = '';
    refusal.textContent = '';
    try {
      await api.redeemCoupon(code, { by: 'console' });
      render((await api.coupons(openid)).coupons);
      status.textContent = t('redeemedOne', { code });
      // The button is gone with the re-render: keep the keyboard user where the news is.
      status.focus();
    } catch (err) {
      refusal.textContent = errorText(err);
      if (err instanceof ApiError && err.status === 409) render((await api.coupons(openid)).coupons);
    }
  }
  function render(coupons: MemberCoupon[]) {
    body.replaceChildren(
      coupons.length
        ? table(
            ['couponCode', 'couponTitle', 'couponValue', 'validUntil', 'status', 'actions'],
            coupons.map((c) =>
              h(
                'tr',
                { 'data-coupon': c.code, 'data-state': c.state },
                h('td', { class: 'code' }, c.code),
                h('td', {}, c.title),
                h('td', {}, couponValue(c)),
                h('td', {}, timeOf(c.validUntil)),
                h('td', {}, t(`couponState_${c.state}` as Key)),
                h(
                  'td',
                  {},
                  c.state === 'valid' && can('POST /admin/coupons/{code}/redeem')
                    ? h('button', { type: 'button', 'aria-label': t('redeemLabel', { code: c.code }), onclick: () => void redeem(c.code) }, t('redeem'))
                    : null,
                ),
              ),
            ),
            'coupons',
          )
        : h('p', {}, t('noCoupons')),
    );
  }
  render(first);
  return card('coupons-title', 'coupons', body, status, refusal);
}

/** The red-packet wallet: balance, entries, and a withdrawal (a transfer bill the payout worker sends). */
export function walletCard(openid: string, first: Wallet, timeOf: TimeOf): HTMLElement {
  const facts = h('dl', { class: 'facts' });
  const entries = h('div', {});
  const render = (w: Wallet) => {
    const fact = (k: Key, fen: number, attr: string) => h('div', {}, h('dt', {}, t(k)), h('dd', { [attr]: fen }, yuan(fen)));
    facts.replaceChildren(
      fact('walletBalance', w.balanceFen, 'data-wallet-balance'),
      fact('walletCredited', w.creditedFen, 'data-wallet-credited'),
      fact('walletWithdrawn', w.withdrawnFen, 'data-wallet-withdrawn'),
    );
    entries.replaceChildren(
      w.entries.length
        ? table(
            ['at', 'delta', 'reason', 'walletRef'],
            w.entries.map((e) =>
              h(
                'tr',
                {},
                h('td', {}, timeOf(e.at)),
                h('td', { class: e.deltaFen < 0 ? 'neg num' : 'pos num' }, `${e.deltaFen > 0 ? '+' : ''}${yuanDigits(e.deltaFen)}`),
                h('td', {}, isKey(`walletReason_${e.reason}`) ? t(`walletReason_${e.reason}` as Key) : e.reason),
                h('td', { class: 'code' }, e.ref),
              ),
            ),
            'wallet',
          )
        : h('p', {}, t('walletEmpty')),
    );
  };
  render(first);

  const amount = h('input', { type: 'number', name: 'amount', min: 0.1, step: 0.01, inputmode: 'decimal' });
  const fa = field(t('withdrawAmount'), amount, t('withdrawHint'));
  const submit = h('button', { type: 'submit' }, t('withdraw'));
  const status = h('p', { class: 'status', role: 'status' });
  const form = h('form', { class: 'withdraw' }, fa.wrap, submit, status);
  // One key per withdrawal the operator means: a retry after a lost answer is the same withdrawal.
  let key = `console:${crypto.randomUUID()}`;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setError(amount, fa.error, null);
    status.textContent = '';
    submit.disabled = true;
    try {
      const amountFen = amount.value === '' ? undefined : fenOf(amount.value);
      const r = await api.withdraw(openid, { idempotencyKey: key, ...(amountFen === undefined ? {} : { amountFen }) });
      key = `console:${crypto.randomUUID()}`;
      amount.value = '';
      // The news after the new balance, so what it announces is already on the card.
      render(await api.wallet(openid));
      status.textContent =
        r.status === 'created' ? t('withdrawCreated', { yuan: yuanDigits(r.amountFen), ref: r.ref }) : t('withdrawDuplicate', { ref: r.ref });
    } catch (err) {
      setError(amount, fa.error, errorText(err));
      amount.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return card('wallet-title', 'wallet', facts, entries, can('POST /admin/members/{openid}/wallet/withdraw') ? form : null);
}
