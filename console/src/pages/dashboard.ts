import { api, ApiError, errorText } from '../api';
import { lineChart } from '../chart';
import { addDays, dayIn } from '../dates';
import { field, h, setError } from '../dom';
import { t, type Key } from '../i18n';
import type { AccountInfo, DailyStatsQuery, DayNumbers } from '../types';
import { yuan } from '../money';

const FIGURES = [
  'newFollowers',
  'unfollows',
  'netGrowth',
  'activeMembers',
  'signIns',
  'pointsIssued',
  'pointsRedeemed',
  'levelUpgrades',
  'redPacketSpendFen',
  'reengagementSent',
  'reengaged',
  'reengagementRate',
] as const satisfies readonly (keyof DayNumbers & Key)[];
type Figure = (typeof FIGURES)[number];

/** Money is integer fen on the wire; the rate a fraction. */
function shown(k: Figure, v: number): string {
  if (k === 'redPacketSpendFen') return yuan(v);
  if (k === 'reengagementRate') return `${Math.round(v * 1000) / 10}%`;
  return String(v);
}

/** Remembered for the tab, so switching language or page keeps the range. */
let range: DailyStatsQuery | undefined;

export function dashboardPage(account: AccountInfo): HTMLElement {
  const today = dayIn(account.timeZone);
  range ??= { from: addDays(today, -13), to: today };
  const from = h('input', { type: 'date', name: 'from', value: range.from, max: today });
  const to = h('input', { type: 'date', name: 'to', value: range.to, max: today });
  const fFrom = field(t('from'), from);
  const fTo = field(t('to'), to);
  const todayBox = h('section', { class: 'today', 'aria-labelledby': 'today-title' });
  const charts = h('section', { class: 'charts', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', {}, t('loading')));

  async function load(q: DailyStatsQuery) {
    range = q;
    from.value = q.from;
    to.value = q.to;
    setError(from, fFrom.error, null);
    setError(to, fTo.error, null);
    charts.setAttribute('aria-busy', 'true');
    try {
      const [stats, now] = await Promise.all([api.dailyStats(q), api.dailyStats({ from: today, to: today })]);
      renderToday(now.days[0]);
      renderCharts(stats.days);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        for (const i of err.issues) i.path === 'to' ? setError(to, fTo.error, i.message) : setError(from, fFrom.error, i.message);
        charts.replaceChildren();
      } else charts.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err)));
    } finally {
      charts.setAttribute('aria-busy', 'false');
    }
  }

  function renderToday(d: DayNumbers | undefined) {
    todayBox.replaceChildren(
      h('h2', { id: 'today-title' }, t('today', { day: today })),
      h(
        'dl',
        { class: 'figures' },
        FIGURES.map((k) => h('div', { class: 'figure', 'data-figure': k }, h('dt', {}, t(k)), h('dd', {}, shown(k, d?.[k] ?? 0)))),
      ),
    );
  }

  function renderCharts(days: DayNumbers[]) {
    const labels = days.map((d) => d.day);
    const col = (k: Figure) => days.map((d) => d[k]);
    const empty = days.every((d) => FIGURES.every((k) => d[k] === 0));
    charts.replaceChildren(
      h('p', { class: 'range-note' }, `${labels[0]} – ${labels[labels.length - 1]} · ${t('dayCount', { n: days.length })}${empty ? ` · ${t('noData')}` : ''}`),
      lineChart(t('chartFollowers'), labels, [
        { key: 'newFollowers', label: t('newFollowers'), tone: 'tone-a', values: col('newFollowers') },
        { key: 'unfollows', label: t('unfollows'), tone: 'tone-b', values: col('unfollows') },
        { key: 'netGrowth', label: t('netGrowth'), tone: 'tone-c', values: col('netGrowth') },
      ]),
      lineChart(t('chartActive'), labels, [{ key: 'activeMembers', label: t('activeMembers'), tone: 'tone-a', values: col('activeMembers') }]),
      lineChart(t('chartSignIns'), labels, [{ key: 'signIns', label: t('signIns'), tone: 'tone-c', values: col('signIns') }]),
      lineChart(t('chartPoints'), labels, [
        { key: 'pointsIssued', label: t('pointsIssued'), tone: 'tone-a', values: col('pointsIssued') },
        { key: 'pointsRedeemed', label: t('pointsRedeemed'), tone: 'tone-b', values: col('pointsRedeemed') },
      ]),
      lineChart(t('chartRedPackets'), labels, [
        { key: 'redPacketSpend', label: t('redPacketSpendYuan'), tone: 'tone-b', values: days.map((d) => d.redPacketSpendFen / 100) },
      ]),
      lineChart(t('chartReengagement'), labels, [
        { key: 'reengagementSent', label: t('reengagementSent'), tone: 'tone-c', values: col('reengagementSent') },
        { key: 'reengaged', label: t('reengaged'), tone: 'tone-a', values: col('reengaged') },
      ]),
      lineChart(t('chartReengagementRate'), labels, [
        { key: 'reengagementRate', label: t('reengagementRatePercent'), tone: 'tone-a', values: days.map((d) => Math.round(d.reengagementRate * 1000) / 10) },
      ]),
    );
  }

  const form = h('form', { class: 'range', 'aria-label': t('show') }, fFrom.wrap, fTo.wrap, h('button', { type: 'submit', class: 'primary' }, t('show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load({ from: from.value, to: to.value });
  });
  const quick = h(
    'div',
    { class: 'quick', role: 'group', 'aria-label': t('show') },
    (
      [
        [7, 'last7'],
        [30, 'last30'],
        [90, 'last90'],
      ] as const
    ).map(([n, key]) => h('button', { type: 'button', onclick: () => void load({ from: addDays(today, -(n - 1)), to: today }) }, t(key))),
  );
  void load(range);
  return h('div', { class: 'page dashboard' }, h('h1', {}, t('navDashboard')), todayBox, h('div', { class: 'toolbar' }, form, quick), charts);
}
