import { api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import type { AccountInfo, ReengagementRule } from '../types';

function triggerText(r: ReengagementRule): string {
  const tr = r.trigger;
  switch (tr.type) {
    case 'dormant':
      return t('trig_dormant', { n: tr.days });
    case 'pointsExpiring':
      return t('trig_pointsExpiring', { n: tr.withinDays });
    case 'couponExpiring':
      return t('trig_couponExpiring', { n: tr.withinDays });
    case 'levelChanged':
      return t('trig_levelChanged');
    case 'streakAtRisk':
      return t('trig_streakAtRisk', { n: tr.minStreak });
    case 'walletUnclaimed':
      return t('trig_walletUnclaimed', { n: tr.afterDays });
  }
}

/** Re-engagement rules: each rule's trigger, run time, and its report (sent, re-engaged, rate); switch a rule on or off. */
export function reengagementPage(account: AccountInfo): HTMLElement {
  const section = h('section', { class: 'card', 'aria-labelledby': 'rules-title', 'aria-live': 'polite' }, h('p', {}, t('loading')));
  async function load() {
    const { rules } = await api.reengagementRules();
    const reports = await Promise.all(rules.map((r) => api.reengagementReport(r.id).catch(() => null)));
    section.replaceChildren(
      h('h2', { id: 'rules-title' }, t('reengagementRules')),
      rules.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'ledger rules' },
              h('thead', {}, h('tr', {}, (['ruleName', 'ruleTrigger', 'runAt', 'reengagementSent', 'reengaged', 'reengagementRate', 'ruleEnabled'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
              h(
                'tbody',
                {},
                rules.map((r, i) => {
                  const rep = reports[i];
                  const toggle = h('input', { type: 'checkbox', checked: r.enabled, 'aria-label': `${t('ruleEnabled')} ${r.name}` });
                  toggle.addEventListener('change', async () => {
                    toggle.disabled = true;
                    try {
                      await api.saveReengagementRules({ rules: rules.map((x) => (x.id === r.id ? { ...x, enabled: toggle.checked } : x)) });
                      await load();
                    } catch (err) {
                      section.append(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
                      toggle.disabled = false;
                    }
                  });
                  return h(
                    'tr',
                    { 'data-rule': r.id },
                    h('td', {}, r.name),
                    h('td', {}, triggerText(r)),
                    h('td', {}, `${r.runAt} (${account.timeZone})`),
                    h('td', { class: 'num' }, String(rep?.sent ?? '—')),
                    h('td', { class: 'num' }, String(rep?.reengaged ?? '—')),
                    h('td', { class: 'num', 'data-rate': rep?.rate ?? '' }, rep ? `${Math.round(rep.rate * 1000) / 10}%` : '—'),
                    h('td', {}, toggle),
                  );
                }),
              ),
            ),
          )
        : h('p', {}, t('noRules')),
      h('p', { class: 'hint' }, t('rulesEditNote')),
    );
  }
  void load().catch((err) => section.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))));
  return h('div', { class: 'page' }, h('h1', {}, t('navReengagement')), section);
}
