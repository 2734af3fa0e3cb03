import { barChart } from '../chart';
import { timeIn } from '../dates';
import { h } from '../dom';
import { t, locale } from '../i18n';
import { yuan } from '../money';
import type { AccountInfo, BudgetProof, CampaignReport, RoundReport } from '../types';

const figure = (label: string, value: string, attrs: Record<string, string> = {}) =>
  h('div', { class: 'figure', ...attrs }, h('dt', {}, label), h('dd', {}, value));

/** `approved = granted + bonus + prize + returned + remaining`, and whether it holds (a round's or the campaign's). */
function budgetEquation(b: BudgetProof, extra: Record<string, string> = {}): HTMLElement {
  return h(
    'p',
    { class: b.balanced ? 'balance ok' : 'balance bad', 'data-balanced': String(b.balanced), ...extra },
    t('budgetEquation', {
      approved: yuan(b.approvedFen),
      granted: yuan(b.grantedFen),
      bonus: yuan(b.bonusFen),
      prize: yuan(b.prizeFen),
      returned: yuan(b.returnedFen),
      remaining: yuan(b.remainingFen),
    }),
    ' — ',
    h('strong', {}, t(b.balanced ? 'balancedYes' : 'balancedNo')),
  );
}

/**
 * A campaign's report (GET /admin/campaigns/{id}/report): the budget proof
 * `approved = granted + bonus + prize + returned + remaining` for the campaign and whether it holds
 * (with the reasons when it does not), then every round held: its own proof, payouts, best luck and
 * prize, a bar per winner in grab order (best luck highlighted) and the winners.
 */
export function campaignReportView(account: AccountInfo, report: CampaignReport): HTMLElement {
  const b = report.budget;
  const budget = h(
    'section',
    { class: 'budget', 'aria-labelledby': 'report-budget' },
    h('h3', { id: 'report-budget' }, t('budget')),
    h(
      'dl',
      { class: 'figures' },
      figure(t('budgetTotal'), yuan(b.approvedFen)),
      figure(t('budgetPerRound'), yuan(b.maxFenPerRound)),
      figure(t('budgetGranted'), yuan(b.grantedFen)),
      figure(t('budgetBonus'), yuan(b.bonusFen)),
      figure(t('budgetPrize'), yuan(b.prizeFen)),
      figure(t('budgetReturned'), yuan(b.returnedFen)),
      figure(t('budgetRemaining'), yuan(b.remainingFen)),
      figure(t('budgetReserved'), yuan(b.reservedFen)),
    ),
    b.derived ? h('p', { class: 'hint' }, t('budgetDerived')) : null,
    h('p', { class: 'rounds-held' }, `${t('roundsHeld')}: ${t('roundsHeldValue', { held: b.roundsHeld, notHeld: b.roundsNotHeld })}`),
    budgetEquation(b),
    b.problems.length
      ? h(
          'ul',
          { class: 'budget-problems' },
          b.problems.map((p) => h('li', {}, p)),
        )
      : null,
  );
  const rounds = report.rounds.length ? report.rounds.map((r) => roundView(account, r)) : [h('p', {}, t('noRounds'))];
  return h('div', { class: 'campaign-report' }, budget, h('h3', {}, t('reportRounds')), rounds);
}

function roundView(account: AccountInfo, r: RoundReport): HTMLElement {
  const isBest = (w: RoundReport['winners'][number]) => !!r.bestLuck && w.openid === r.bestLuck.openid && w.at === r.bestLuck.at;
  const heading = `${r.date} · ${t(`roundStatus_${r.status}`)}`;
  const facts = h(
    'dl',
    { class: 'facts' },
    [
      [t('packets'), `${r.winners.length} / ${r.packets}`],
      [t('totalYuan'), yuan(r.totalFen)],
      [t('budgetPerRound'), yuan(r.budget.maxFenPerRound)],
      [
        t('payouts'),
        t('payoutCounts', { paid: r.paid, pending: r.pending, failed: r.failed }) + (r.cancelled ? t('payoutCancelledCount', { cancelled: r.cancelled }) : ''),
      ],
      [t('bestLuck'), r.bestLuck ? `${r.bestLuck.openid} ${yuan(r.bestLuck.amountFen)}` : '—'],
      [
        t('prize'),
        r.prize ? [r.prize.couponCode, r.prize.notifiedBy && t(`notifiedBy_${r.prize.notifiedBy}`), r.prize.error].filter(Boolean).join(' · ') : '—',
      ],
    ].map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
  const chart = r.winners.length
    ? barChart(
        t('roundChart', { date: r.date }),
        r.winners.map((w) => ({
          key: w.openid,
          label: `#${w.rank}`,
          value: w.amountFen,
          highlight: isBest(w),
          title: `#${w.rank} ${w.openid}: ${yuan(w.amountFen)}${isBest(w) ? ` (${t('bestLuck')})` : ''}`,
        })),
        { format: yuan, label: t('rank'), highlightLabel: t('bestLuck') },
      )
    : h('p', {}, t('noWinners'));
  const winners = r.winners.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'ledger winners' },
          h('caption', { class: 'visually-hidden' }, t('winnersOf', { date: r.date })),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              (['rank', 'member', 'amount', 'bonus', 'grabbedAt', 'payoutState'] as const).map((k) =>
                h('th', { scope: 'col', class: k === 'amount' || k === 'bonus' || k === 'rank' ? 'num' : '' }, t(k)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            r.winners.map((w) =>
              h(
                'tr',
                { class: isBest(w) ? 'best' : '' },
                h('td', { class: 'num' }, String(w.rank)),
                h('td', { class: 'openid' }, w.openid, isBest(w) ? h('span', { class: 'badge' }, t('bestLuck')) : null),
                h('td', { class: 'num' }, yuan(w.amountFen)),
                h('td', { class: 'num' }, w.bonusFen ? yuan(w.bonusFen) : '—'),
                h('td', {}, timeIn(account.timeZone, w.at, locale())),
                h('td', { 'data-payout': w.payout }, t(`payoutState_${w.payout}`)),
              ),
            ),
          ),
        ),
      )
    : null;
  const unfunded = r.budget.unfunded ? h('p', { class: 'error' }, t('roundUnfunded')) : null;
  return h(
    'section',
    { class: 'report-round', 'data-round': r.date, 'aria-label': heading },
    h('h4', {}, heading),
    unfunded,
    facts,
    budgetEquation(r.budget, { 'data-round-budget': r.date }),
    chart,
    winners,
  );
}
