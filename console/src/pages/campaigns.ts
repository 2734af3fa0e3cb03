import { api, ApiError } from '../api';
import { addDays, dayIn } from '../dates';
import { field, h, setError } from '../dom';
import { t, type Key } from '../i18n';
import type { AccountInfo, CampaignBody, CampaignView } from '../types';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const fen = (v: string) => Math.round(Number(v) * 100);

/**
 * Red-packet campaigns: the list with its lifecycle button, and a form for a new draft that mirrors
 * the campaign schema's main fields. A 400 names fields (schema errors, WeChat's rules): each message
 * lands under the field it names; compliance warnings of a saved draft show with it.
 */
export function campaignsPage(account: AccountInfo): HTMLElement {
  const today = dayIn(account.timeZone);
  const inputs = {
    name: h('input', { type: 'text', name: 'name', maxlength: 64, required: true }),
    'trigger.keywords': h('input', { type: 'text', name: 'keywords', value: '红包' }),
    'trigger.menuKey': h('input', { type: 'text', name: 'menuKey', pattern: '[A-Z][A-Z0-9_]*', value: 'REDPACKET' }),
    'trigger.event': h('select', { name: 'event' }, h('option', { value: '' }, t('eventNone')), h('option', { value: 'subscribe' }, t('eventSubscribe'))),
    'schedule.from': h('input', { type: 'date', name: 'from', value: today, required: true }),
    'schedule.to': h('input', { type: 'date', name: 'to', value: addDays(today, 6), required: true }),
    'schedule.daily.start': h('input', { type: 'time', name: 'start', value: '11:30', required: true }),
    'schedule.daily.end': h('input', { type: 'time', name: 'end', value: '11:40', required: true }),
    'round.packets': h('input', { type: 'number', name: 'packets', min: 1, max: 10000, step: 1, value: 20, required: true }),
    'round.totalFen': h('input', { type: 'number', name: 'total', min: 0.01, step: 0.01, value: '20.00', required: true }),
    'round.split': h('select', { name: 'split' }, h('option', { value: 'lucky' }, t('splitLucky')), h('option', { value: 'equal' }, t('splitEqual'))),
    'round.minFen': h('input', { type: 'number', name: 'min', min: 0.01, step: 0.01, value: '0.10', required: true }),
    'round.maxFen': h('input', { type: 'number', name: 'max', min: 0.01, step: 0.01, value: '5.00', required: true }),
    'bestLuckPrize.couponTemplateId': h('input', { type: 'text', name: 'prize' }),
    'payout.mode': h('select', { name: 'payout' }, (['wallet', 'transfer', 'redpack'] as const).map((m) => h('option', { value: m }, t(`payout_${m}`)))),
  };
  type Path = keyof typeof inputs;
  const labels: Record<Path, Key> = {
    name: 'campaignName',
    'trigger.keywords': 'keywords',
    'trigger.menuKey': 'menuKey',
    'trigger.event': 'triggerEvent',
    'schedule.from': 'from',
    'schedule.to': 'to',
    'schedule.daily.start': 'dailyStart',
    'schedule.daily.end': 'dailyEnd',
    'round.packets': 'packets',
    'round.totalFen': 'totalYuan',
    'round.split': 'split',
    'round.minFen': 'minYuan',
    'round.maxFen': 'maxYuan',
    'bestLuckPrize.couponTemplateId': 'bestLuckCoupon',
    'payout.mode': 'payoutMode',
  };
  const hints: Partial<Record<Path, Key>> = { 'trigger.keywords': 'keywordsHint', 'schedule.daily.start': 'inAccountZone', 'bestLuckPrize.couponTemplateId': 'optional' };
  const fields = Object.fromEntries((Object.keys(inputs) as Path[]).map((p) => [p, field(t(labels[p]), inputs[p], hints[p] && `${t(hints[p])}${p === 'schedule.daily.start' ? ` (${account.timeZone})` : ''}`)])) as Record<Path, ReturnType<typeof field>>;
  const group = (legend: Key, paths: Path[]) => h('fieldset', {}, h('legend', {}, t(legend)), h('div', { class: 'row' }, paths.map((p) => fields[p].wrap)));
  const formError = h('p', { class: 'error', role: 'alert' });
  const status = h('p', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'card campaign-form', 'aria-labelledby': 'new-campaign' },
    h('h2', { id: 'new-campaign' }, t('newCampaign')),
    group('basics', ['name', 'payout.mode', 'bestLuckPrize.couponTemplateId']),
    group('trigger', ['trigger.keywords', 'trigger.menuKey', 'trigger.event']),
    group('schedule', ['schedule.from', 'schedule.to', 'schedule.daily.start', 'schedule.daily.end']),
    group('round', ['round.packets', 'round.totalFen', 'round.split', 'round.minFen', 'round.maxFen']),
    h('button', { type: 'submit', class: 'primary' }, t('saveDraft')),
    formError,
    status,
  );

  function body(): CampaignBody {
    const v = (p: Path) => inputs[p].value.trim();
    const keywords = v('trigger.keywords').split(/[,，\s]+/).filter(Boolean);
    return {
      name: v('name'),
      trigger: { ...(keywords.length ? { keywords } : {}), ...(v('trigger.menuKey') ? { menuKey: v('trigger.menuKey') } : {}), ...(v('trigger.event') ? { event: v('trigger.event') } : {}) },
      schedule: { timezone: account.timeZone, daily: { start: v('schedule.daily.start'), end: v('schedule.daily.end') }, from: v('schedule.from'), to: v('schedule.to') },
      round: { packets: Number(v('round.packets')), totalFen: fen(v('round.totalFen')), split: v('round.split') === 'equal' ? 'equal' : 'lucky', minFen: fen(v('round.minFen')), maxFen: fen(v('round.maxFen')) },
      ...(v('bestLuckPrize.couponTemplateId') ? { bestLuckPrize: { couponTemplateId: v('bestLuckPrize.couponTemplateId') } } : {}),
      payout: { mode: v('payout.mode') as 'wallet' | 'transfer' | 'redpack' },
    };
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const p of Object.keys(inputs) as Path[]) setError(inputs[p], fields[p].error, null);
    formError.textContent = '';
    status.textContent = '';
    try {
      const c = await api.createCampaign(body());
      status.textContent = t('draftSaved', { name: c.config.name }) + (c.warnings.length ? ` ${t('warnings')}: ${c.warnings.map((w) => `${w.path}: ${w.rule}`).join('; ')}` : '');
      await refresh();
    } catch (err) {
      if (!(err instanceof ApiError)) return void (formError.textContent = String(err));
      const placed = err.issues.filter((i) => {
        // A message about `trigger` as a whole (no keyword, menu key or event) goes under the keywords.
        const p = (i.path in inputs ? i.path : i.path === 'trigger' ? 'trigger.keywords' : i.path === 'schedule' ? 'schedule.to' : '') as Path | '';
        if (p) setError(inputs[p], fields[p].error, i.message);
        return !!p;
      });
      if (placed.length < err.issues.length || !err.issues.length) formError.textContent = err.message;
      const first = err.issues.map((i) => i.path).find((p): p is Path => p in inputs);
      if (first) inputs[first].focus();
    }
  });

  const list = h('section', { class: 'card', 'aria-labelledby': 'campaign-list', 'aria-live': 'polite' });
  async function refresh() {
    const { campaigns } = await api.campaigns();
    list.replaceChildren(
      h('h2', { id: 'campaign-list' }, t('campaignList')),
      campaigns.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'ledger campaigns' },
              h('thead', {}, h('tr', {}, (['campaignName', 'status', 'schedule', 'round', 'payoutMode', 'actions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
              h(
                'tbody',
                {},
                campaigns.map((c) =>
                  h(
                    'tr',
                    { 'data-campaign': c.id },
                    h('td', {}, c.config.name),
                    h('td', { 'data-status': c.status }, t(`status_${c.status}`)),
                    h('td', {}, `${c.config.schedule.from} – ${c.config.schedule.to} ${c.config.schedule.daily.start}–${c.config.schedule.daily.end}`),
                    h('td', { class: 'num' }, `${c.config.round.packets} × ${yuan(c.config.round.totalFen)}`),
                    h('td', {}, t(`payout_${c.config.payout.mode}`)),
                    h(
                      'td',
                      {},
                      c.status === 'draft'
                        ? h('button', { type: 'button', 'aria-label': `${t('scheduleIt')} ${c.config.name}`, onclick: () => void act(c.id, 'schedule') }, t('scheduleIt'))
                        : c.status === 'paused'
                          ? h('button', { type: 'button', onclick: () => void act(c.id, 'resume') }, t('resume'))
                          : c.status === 'running' || c.status === 'scheduled'
                            ? h('button', { type: 'button', onclick: () => void act(c.id, 'pause') }, t('pause'))
                            : null,
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, t('noCampaigns')),
    );
  }
  async function act(id: string, action: 'schedule' | 'pause' | 'resume') {
    try {
      await api.campaignAction(id, action);
      await refresh();
    } catch (err) {
      list.append(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    }
  }
  void refresh().catch((err) => list.replaceChildren(h('p', { class: 'error', role: 'alert' }, String(err instanceof Error ? err.message : err))));
  return h('div', { class: 'page campaigns' }, h('h1', {}, t('navCampaigns')), list, form);
}
