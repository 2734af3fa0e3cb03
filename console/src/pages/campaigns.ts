import { can, readOnlyNote } from '../access';
import { api, errorText } from '../api';
import { approvalBadge } from './approvals';
import { h } from '../dom';
import { t } from '../i18n';
import type { AccountInfo, CampaignView } from '../types';
import { yuan } from '../money';
import { campaignForm, type CampaignForm } from './campaignForm';
import { campaignReportView } from './campaignReport';

type Action = 'schedule' | 'pause' | 'resume' | 'close';

/**
 * Red-packet campaigns: the list with each campaign's lifecycle actions, edit and report; the
 * report of the chosen campaign (budget invariant, a chart per round); and the form that creates a
 * draft or edits a saved campaign (pages/campaignForm.ts), with its levels and coupon templates.
 */
export function campaignsPage(account: AccountInfo): HTMLElement {
  const list = h('section', { class: 'card', 'aria-labelledby': 'campaign-list', 'aria-live': 'polite' });
  const reportCard = h('section', { class: 'card', 'aria-labelledby': 'campaign-report', hidden: true });
  // Only a role that may create campaigns gets the form (a viewer reads the list and the reports).
  const mayCreate = can('POST /admin/campaigns');
  const formSlot = mayCreate ? h('div', {}, h('p', {}, t('loading'))) : readOnlyNote();
  let form: CampaignForm | undefined;

  // The form needs the levels (one multiplier each) and the coupon templates (the best-luck prize).
  if (mayCreate)
    Promise.all([api.levels(), api.couponTemplates()])
      .then(([{ levels }, { templates }]) => {
        form = campaignForm({ account, levels, templates, onSaved: () => refresh() });
        formSlot.replaceChildren(form.element);
      })
      .catch((err: unknown) => formSlot.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));

  const button = (label: string, name: string, onclick: () => void) => h('button', { type: 'button', 'aria-label': `${label} ${name}`, onclick }, label);
  const lifecycleButton = (c: CampaignView, action: Action, label: string) =>
    can(`POST /admin/campaigns/{id}/${action}`) ? button(label, c.config.name, () => void act(c, action)) : null;
  function actions(c: CampaignView) {
    const name = c.config.name;
    const lifecycle =
      c.status === 'draft'
        ? lifecycleButton(c, 'schedule', t('scheduleIt'))
        : c.status === 'paused'
          ? lifecycleButton(c, 'resume', t('resume'))
          : c.status === 'running' || c.status === 'scheduled'
            ? lifecycleButton(c, 'pause', t('pause'))
            : null;
    const open = c.state !== 'closed';
    return h(
      'div',
      { class: 'row-actions' },
      lifecycle,
      open && can('PUT /admin/campaigns/{id}') ? button(t('edit'), name, () => form?.edit(c)) : null,
      can('GET /admin/campaigns/{id}/report') ? button(t('report'), name, () => void showReport(c)) : null,
      open && can('POST /admin/campaigns/{id}/close')
        ? button(t('closeCampaign'), name, () => {
            if (confirm(t('confirmClose', { name }))) void act(c, 'close');
          })
        : null,
    );
  }

  function row(c: CampaignView) {
    const s = c.config.schedule;
    const warned = c.warnings.length
      ? h(
          'span',
          { class: 'warn-count', title: c.warnings.map((w) => `${w.path}: ${w.rule} — ${w.message}`).join('\n') },
          t('warningsCount', { n: c.warnings.length }),
        )
      : null;
    return h(
      'tr',
      { 'data-campaign': c.id },
      h('td', {}, c.config.name, warned),
      h('td', { 'data-status': c.status }, t(`status_${c.status}`), ' ', approvalBadge(c.approval?.state)),
      h('td', {}, `${s.from} – ${s.to} ${s.daily.start}–${s.daily.end} (${s.timezone})`),
      h('td', { class: 'num' }, `${c.config.round.packets} × ${yuan(c.config.round.totalFen)}`),
      h('td', {}, t(`payout_${c.config.payout.mode}`)),
      h('td', {}, actions(c)),
    );
  }

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
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  (['campaignName', 'status', 'schedule', 'round', 'payoutMode', 'actions'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
                ),
              ),
              h('tbody', {}, campaigns.map(row)),
            ),
          )
        : h('p', {}, t('noCampaigns')),
    );
  }

  async function act(c: CampaignView, action: Action) {
    try {
      form?.changed(await api.campaignAction(c.id, action));
      await refresh();
    } catch (err) {
      list.append(h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }

  async function showReport(c: CampaignView) {
    reportCard.hidden = false;
    const title = h('h2', { id: 'campaign-report', tabindex: -1 }, t('reportOf', { name: c.config.name }));
    reportCard.replaceChildren(title, h('p', {}, t('loading')));
    title.focus();
    try {
      const report = await api.campaignReport(c.id);
      reportCard.replaceChildren(
        title,
        campaignReportView(account, report),
        h('button', { type: 'button', onclick: () => void showReport(c) }, t('refreshReport')),
      );
    } catch (err) {
      reportCard.replaceChildren(title, h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }

  void refresh().catch((err) => list.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));
  return h('div', { class: 'page campaigns' }, h('h1', {}, t('navCampaigns')), list, reportCard, formSlot);
}
