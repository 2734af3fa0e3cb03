import { barChart } from '../chart';
import { timeIn } from '../dates';
import { h } from '../dom';
import { t, locale } from '../i18n';
import { yuan } from '../money';
import type { AccountInfo, CampaignReport, RoundReport } from '../types';

const figure = (label: string, value: string, attrs: Record<string, string> = {}) => h('div', { class: 'figure', ...attrs }, h('dt', {}, label), h('dd', {}, value));

/**
 * A campaign's report (GET /admin/campaigns/{id}/report): the budget invariant
 * `total = granted + returned + remaining` and whether it holds, then every round held: its money,
 * payouts, best luck and prize, a bar per winner in grab order (best luck highlighted) and the winners.
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
      figure(t('budgetTotal'), yuan(b.totalFen)),
      figure(t('budgetGranted'), yuan(b.grantedFen)),
      figure(t('budgetReturned'), yuan(b.returnedFen)),
      figure(t('budgetRemaining'), yuan(b.remainingFen)),
      figure(t('budgetBonus'), yuan(b.bonusFen)),
    ),
    h('p', { class: 'rounds-held' }, `${t('roundsHeld')}: ${t('roundsHeldValue', { held: b.roundsHeld, notHeld: b.roundsNotHeld })}`),
    h(
      'p',
      { class: b.balanced ? 'balance ok' : 'balance bad', 'data-balanced': String(b.balanced) },
      t('budgetEquation', { total: yuan(b.totalFen), granted: yuan(b.grantedFen), returned: yuan(b.returnedFen), remaining: yuan(b.remainingFen) }),
      ' — ',
      h('strong', {}, t(b.balanced ? 'balancedYes' : 'balancedNo')),
    ),
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
      [t('budgetGranted'), yuan(r.grantedFen)],
      [t('budgetReturned'), yuan(r.returnedFen)],
      [t('budgetRemaining'), yuan(r.remainingFen)],
      [t('budgetBonus'), yuan(r.bonusFen)],
      [t('payouts'), t('payoutCounts', { paid: r.paid, pending: r.pending, failed: r.failed }) + (r.cancelled ? t('payoutCancelledCount', { cancelled: r.cancelled }) : '')],
      [t('bestLuck'), r.bestLuck ? `${r.bestLuck.openid} ${yuan(r.bestLuck.amountFen)}` : '—'],
      [t('prize'), r.prize ? [r.prize.couponCode, r.prize.notifiedBy && t(`notifiedBy_${r.prize.notifiedBy}`), r.prize.error].filter(Boolean).join(' · ') : '—'],
    ].map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
  const chart = r.winners.length
    ? barChart(
        t('roundChart', { date: r.date }),
        r.winners.map((w) => ({ key: w.openid, label: `#${w.rank}`, value: w.amountFen, highlight: isBest(w), title: `#${w.rank} ${w.openid}: ${yuan(w.amountFen)}${isBest(w) ? ` (${t('bestLuck')})` : ''}` })),
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
          h('thead', {}, h('tr', {}, (['rank', 'member', 'amount', 'bonus', 'grabbedAt', 'payoutState'] as const).map((k) => h('th', { scope: 'col', class: k === 'amount' || k === 'bonus' || k === 'rank' ? 'num' : '' }, t(k))))),
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
  return h('section', { class: 'report-round', 'data-round': r.date, 'aria-label': heading }, h('h4', {}, heading), facts, chart, winners);
}
