import { can, readOnlyNote } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h } from '../dom';
import { clearFieldErrors, showFieldErrors, slotsOf } from '../formErrors';
import { t, type Key } from '../i18n';
import { formatKeyValues, parseKeyValues } from '../keyValues';
import { segmentEditor } from '../segmentEditor';
import type { AccountInfo, ApiIssue, ReengagementReport, ReengagementRule, ReengagementRuleBody } from '../types';
import { fenOf, yuanDigits } from '../money';

type TriggerType = ReengagementRule['trigger']['type'];
const TRIGGERS: TriggerType[] = ['dormant', 'pointsExpiring', 'couponExpiring', 'levelChanged', 'streakAtRisk', 'walletUnclaimed'];
/** The trigger's parameters (each an input of the form) and the placeholders its notice may use (docs/reengagement.md). */
const PARAMS: Record<TriggerType, ('days' | 'withinDays' | 'minStreak' | 'afterDays' | 'minFen')[]> = {
  dormant: ['days'],
  pointsExpiring: ['withinDays'],
  couponExpiring: ['withinDays'],
  levelChanged: [],
  streakAtRisk: ['minStreak'],
  walletUnclaimed: ['afterDays', 'minFen'],
};
const PLACEHOLDERS: Record<TriggerType, string> = {
  dormant: '{days} {points} {coupon} {benefit}',
  pointsExpiring: '{points} {date}',
  couponExpiring: '{coupon} {date} {code}',
  levelChanged: '{level} {from}',
  streakAtRisk: '{streak} {next}',
  walletUnclaimed: '{balance}',
};
const EVERYONE = JSON.stringify({ subscribed: true });

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

/**
 * Re-engagement rules: each rule's trigger, run time and report (sent, re-engaged, rate), switched
 * on or off in the list; a form creates a rule or edits one. The API takes the whole list, so a save
 * sends every rule with the edited one replaced; refusals of that rule land under its fields.
 */
export function reengagementPage(account: AccountInfo): HTMLElement {
  const section = h('section', { class: 'card', 'aria-labelledby': 'rules-title', 'aria-live': 'polite' }, h('p', {}, t('loading')));
  let rules: ReengagementRule[] = [];
  // The last save's message; cleared when another edit starts, so it never describes the next one.
  const status = h('p', { class: 'status', role: 'status' });
  // A role that may read but not save the rules sees them without the switches, buttons and form.
  const mayEdit = can('PUT /admin/reengagement-rules');
  const form = mayEdit
    ? ruleForm(
        account,
        () => rules,
        async (saved, status) => {
          rules = saved;
          await render(status);
        },
      )
    : null;

  async function render(statusText = '') {
    const reports = await Promise.all(rules.map((r) => api.reengagementReport(r.id).catch(() => null)));
    status.textContent = statusText;
    section.replaceChildren(
      h('h2', { id: 'rules-title' }, t('reengagementRules')),
      status,
      rules.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'ledger rules' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  (['ruleName', 'ruleTrigger', 'runAt', 'reengagementSent', 'reengaged', 'reengagementRate', 'ruleEnabled', 'actions'] as const).map((k) =>
                    h('th', { scope: 'col' }, t(k)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                rules.map((r, i) => ruleRow(r, reports[i] ?? null)),
              ),
            ),
          )
        : h('p', {}, t('noRules')),
    );
  }

  function ruleRow(r: ReengagementRule, rep: ReengagementReport | null): HTMLElement {
    const toggle = h('input', { type: 'checkbox', checked: r.enabled, disabled: !mayEdit, 'aria-label': `${t('ruleEnabled')} ${r.name}` });
    toggle.addEventListener('change', async () => {
      toggle.disabled = true;
      try {
        rules = (await api.saveReengagementRules({ rules: rules.map((x) => (x.id === r.id ? { ...x, enabled: toggle.checked } : x)) })).rules;
        await render();
      } catch (err) {
        section.append(h('p', { class: 'error', role: 'alert' }, errorText(err)));
        toggle.disabled = false;
      }
    });
    return h(
      'tr',
      { 'data-rule': r.id, class: r.enabled ? null : 'disabled' },
      h('td', {}, r.name),
      h('td', {}, triggerText(r)),
      h('td', {}, r.trigger.type === 'levelChanged' ? t('everyMinute') : `${r.runAt} (${account.timeZone})`),
      h('td', { class: 'num' }, String(rep?.sent ?? '—')),
      h('td', { class: 'num' }, String(rep?.reengaged ?? '—')),
      h('td', { class: 'num', 'data-rate': rep?.rate ?? '' }, rep ? `${Math.round(rep.rate * 1000) / 10}%` : '—'),
      h('td', {}, toggle),
      h(
        'td',
        { class: 'row-actions' },
        form &&
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                status.textContent = '';
                form.edit(r);
              },
            },
            t('editRuleButton', { name: r.name }),
          ),
        form &&
          h('button', { type: 'button', class: 'danger', 'aria-label': t('deleteRuleButton', { name: r.name }), onclick: () => void remove(r) }, t('delete')),
      ),
    );
  }

  /** The API keeps the rules as one list: deleting one saves the list without it (its report stays readable by id). */
  async function remove(r: ReengagementRule) {
    if (!confirm(t('confirmDeleteRule', { name: r.name }))) return;
    try {
      rules = (await api.saveReengagementRules({ rules: rules.filter((x) => x.id !== r.id) })).rules;
      await render(t('ruleDeleted', { name: r.name }));
    } catch (err) {
      status.textContent = errorText(err);
    }
  }

  void api
    .reengagementRules()
    .then(async (r) => {
      rules = r.rules;
      await render();
    })
    .catch((err) => section.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));
  return h('div', { class: 'page reengagement-page' }, h('h1', {}, t('navReengagement')), form ? null : readOnlyNote(), section, form?.element);
}

/** The rule form: new, or one rule of the list being edited. `saved` gets the list as the API kept it. */
function ruleForm(account: AccountInfo, current: () => ReengagementRule[], saved: (rules: ReengagementRule[], status: string) => Promise<void>) {
  const num = (name: string, min: number, max: number, placeholder?: number) =>
    h('input', { type: 'number', name, min, max, step: 1, inputmode: 'numeric', placeholder });
  const inputs = {
    id: h('input', { type: 'text', name: 'id', maxlength: 40, autocomplete: 'off' }),
    name: h('input', { type: 'text', name: 'name', maxlength: 80 }),
    enabled: h('input', { type: 'checkbox', name: 'enabled', checked: true }),
    'trigger.type': h(
      'select',
      { name: 'trigger' },
      TRIGGERS.map((type) => h('option', { value: type }, t(`trigType_${type}`))),
    ),
    'trigger.days': num('days', 7, 180, 14),
    'trigger.withinDays': num('withinDays', 1, 30, 7),
    'trigger.minStreak': num('minStreak', 2, 365, 3),
    'trigger.afterDays': num('afterDays', 1, 30, 3),
    'trigger.minFen': h('input', { type: 'number', name: 'minYuan', min: 0.01, step: 0.01, placeholder: '1.00' }),
    runAt: h('input', { type: 'time', name: 'runAt', value: '10:00' }),
    'notice.text': h('textarea', { name: 'text', rows: 3, maxlength: 600 }),
    'notice.template.templateId': h('input', { type: 'text', name: 'templateId', maxlength: 64 }),
    'notice.template.data': h('textarea', { name: 'data', rows: 3, placeholder: 'thing1=…\nnumber2={points}' }),
    'notice.template.url': h('input', { type: 'url', name: 'url', maxlength: 1024, placeholder: 'https://' }),
    benefit: h(
      'select',
      { name: 'benefit' },
      (['none', 'points', 'coupon'] as const).map((k) => h('option', { value: k }, t(`benefit_${k}`))),
    ),
    'benefit.points': num('points', 1, 100_000),
    'benefit.couponTemplateId': h('input', { type: 'text', name: 'couponTemplateId', maxlength: 64 }),
    cooldownDays: num('cooldownDays', 1, 90, 7),
    attributionDays: num('attributionDays', 1, 30, 7),
  };
  type Path = keyof typeof inputs;
  const labels: Record<Path, Key> = {
    id: 'ruleId',
    name: 'arName',
    enabled: 'ruleEnabledField',
    'trigger.type': 'ruleTrigger',
    'trigger.days': 'trigDays',
    'trigger.withinDays': 'trigWithinDays',
    'trigger.minStreak': 'trigMinStreak',
    'trigger.afterDays': 'trigAfterDays',
    'trigger.minFen': 'trigMinYuan',
    runAt: 'runAtField',
    'notice.text': 'noticeText',
    'notice.template.templateId': 'noticeTemplateId',
    'notice.template.data': 'noticeTemplateData',
    'notice.template.url': 'noticeTemplateUrl',
    benefit: 'benefitKind',
    'benefit.points': 'benefitPoints',
    'benefit.couponTemplateId': 'benefitCoupon',
    cooldownDays: 'cooldownDays',
    attributionDays: 'attributionDays',
  };
  const hints: Partial<Record<Path, string>> = {
    id: t('ruleIdHint'),
    runAt: `${t('inAccountZone')} (${account.timeZone})`,
    'notice.template.data': t('templateDataHint'),
    'notice.template.url': t('optional'),
    benefit: t('benefitHint'),
    cooldownDays: t('cooldownHint'),
    attributionDays: t('attributionHint'),
  };
  const f = Object.fromEntries((Object.keys(inputs) as Path[]).map((p) => [p, field(t(labels[p]), inputs[p], hints[p])])) as Record<
    Path,
    ReturnType<typeof field>
  >;
  f.enabled.wrap.classList.add('check');
  const slots = slotsOf(inputs, f);
  const audience = segmentEditor({ legend: t('ruleAudience') });
  const placeholders = h('p', { class: 'hint', 'data-placeholders': '' });
  let editing: string | null = null;

  const type = () => inputs['trigger.type'].value as TriggerType;
  function showFields() {
    const params = PARAMS[type()];
    for (const p of ['days', 'withinDays', 'minStreak', 'afterDays', 'minFen'] as const) f[`trigger.${p}`].wrap.hidden = !params.includes(p);
    f.runAt.wrap.hidden = type() === 'levelChanged';
    f['benefit.points'].wrap.hidden = inputs.benefit.value !== 'points';
    f['benefit.couponTemplateId'].wrap.hidden = inputs.benefit.value !== 'coupon';
    placeholders.textContent = t('placeholdersHint', { list: PLACEHOLDERS[type()] });
  }
  inputs['trigger.type'].addEventListener('change', showFields);
  inputs.benefit.addEventListener('change', showFields);

  const title = h('h2', { id: 'rule-form-title' });
  const formError = h('p', { class: 'error', role: 'alert' });
  const cancel = h('button', { type: 'button', onclick: () => fill(null) }, t('cancelEdit'));
  const group = (legend: Key, ...children: (HTMLElement | Path)[]) =>
    h(
      'fieldset',
      {},
      h('legend', {}, t(legend)),
      h(
        'div',
        { class: 'row' },
        children.map((c) => (typeof c === 'string' ? f[c].wrap : c)),
      ),
    );
  const element = h(
    'form',
    { class: 'card campaign-form reengagement-form', 'aria-labelledby': 'rule-form-title', novalidate: true },
    title,
    group('basics', 'id', 'name', 'enabled'),
    group('ruleWhen', 'trigger.type', 'trigger.days', 'trigger.withinDays', 'trigger.minStreak', 'trigger.afterDays', 'trigger.minFen', 'runAt'),
    h('fieldset', {}, h('legend', {}, t('ruleWho')), audience.element),
    h(
      'fieldset',
      {},
      h('legend', {}, t('ruleNotice')),
      placeholders,
      h('div', { class: 'row' }, f['notice.text'].wrap),
      h('div', { class: 'row' }, f['notice.template.templateId'].wrap, f['notice.template.data'].wrap, f['notice.template.url'].wrap),
    ),
    group('ruleBenefitAndLimits', 'benefit', 'benefit.points', 'benefit.couponTemplateId', 'cooldownDays', 'attributionDays'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('saveRule')), cancel),
    formError,
  );

  /** The form for a new rule (null) or filled with one to edit. */
  function fill(r: ReengagementRule | null) {
    editing = r?.id ?? null;
    clearFieldErrors(slots);
    audience.showIssues([]);
    formError.textContent = '';
    title.textContent = r ? t('editRule', { name: r.name }) : t('newReengagementRule');
    cancel.hidden = !r;
    const tr = (r?.trigger ?? {}) as Partial<Record<'days' | 'withinDays' | 'minStreak' | 'afterDays' | 'minFen', number>>;
    const numberOr = (n: number | undefined) => (n === undefined ? '' : String(n));
    inputs.id.value = r?.id ?? '';
    inputs.id.readOnly = !!r;
    inputs.name.value = r?.name ?? '';
    inputs.enabled.checked = r?.enabled ?? true;
    inputs['trigger.type'].value = r?.trigger.type ?? 'pointsExpiring';
    for (const p of ['days', 'withinDays', 'minStreak', 'afterDays'] as const) inputs[`trigger.${p}`].value = numberOr(tr[p]);
    inputs['trigger.minFen'].value = tr.minFen === undefined ? '' : yuanDigits(tr.minFen);
    inputs.runAt.value = r?.runAt ?? '10:00';
    audience.set(r?.segment ?? { subscribed: true });
    inputs['notice.text'].value = r?.notice.text ?? '';
    inputs['notice.template.templateId'].value = r?.notice.template?.templateId ?? '';
    inputs['notice.template.data'].value = formatKeyValues(r?.notice.template?.data);
    inputs['notice.template.url'].value = r?.notice.template?.url ?? '';
    const benefit = r?.benefit;
    inputs.benefit.value = !benefit ? 'none' : 'points' in benefit ? 'points' : 'coupon';
    inputs['benefit.points'].value = benefit && 'points' in benefit ? String(benefit.points) : '';
    inputs['benefit.couponTemplateId'].value = benefit && 'couponTemplateId' in benefit ? benefit.couponTemplateId : '';
    inputs.cooldownDays.value = numberOr(r?.cooldownDays);
    inputs.attributionDays.value = numberOr(r?.attributionDays);
    showFields();
  }

  function ruleBody(): ReengagementRuleBody {
    const v = (p: Path) => inputs[p].value.trim();
    // Empty numbers are left out: the API fills its defaults (the placeholders show them).
    const n = (p: Path) => (v(p) === '' ? undefined : Number(v(p)));
    const params = Object.fromEntries(
      PARAMS[type()].map((p) => [p, p === 'minFen' ? (v('trigger.minFen') === '' ? undefined : fenOf(v('trigger.minFen'))) : n(`trigger.${p}`)]),
    );
    const data = parseKeyValues(inputs['notice.template.data'].value);
    const template =
      v('notice.template.templateId') || Object.keys(data).length
        ? { templateId: v('notice.template.templateId'), data, ...(v('notice.template.url') ? { url: v('notice.template.url') } : {}) }
        : undefined;
    const segment = audience.value();
    const benefit =
      inputs.benefit.value === 'points'
        ? { points: n('benefit.points') ?? 0 }
        : inputs.benefit.value === 'coupon'
          ? { couponTemplateId: v('benefit.couponTemplateId') }
          : undefined;
    return {
      id: v('id'),
      name: v('name'),
      enabled: inputs.enabled.checked,
      trigger: { type: type(), ...params } as ReengagementRuleBody['trigger'],
      // "Everyone subscribed" is what a rule without a segment reaches: keep such rules without one.
      ...(JSON.stringify(segment) === EVERYONE ? {} : { segment }),
      notice: { text: inputs['notice.text'].value, ...(template ? { template } : {}) },
      ...(benefit ? { benefit } : {}),
      ...(n('cooldownDays') === undefined ? {} : { cooldownDays: n('cooldownDays') }),
      ...(n('attributionDays') === undefined ? {} : { attributionDays: n('attributionDays') }),
      ...(type() === 'levelChanged' ? {} : { runAt: v('runAt') }),
    };
  }

  /** `notice.template.data.thing1` → the data field; a path about a whole group → its first field. */
  function fieldOf(path: string): Path | undefined {
    if (path in inputs) return path as Path;
    if (path.startsWith('notice.template.data')) return 'notice.template.data';
    if (path.startsWith('notice.template')) return 'notice.template.templateId';
    if (path.startsWith('notice')) return 'notice.text';
    if (path.startsWith('benefit.')) return inputs.benefit.value === 'coupon' ? 'benefit.couponTemplateId' : 'benefit.points';
    if (path.startsWith('trigger')) return PARAMS[type()][0] ? `trigger.${PARAMS[type()][0]!}` : 'trigger.type';
    return undefined;
  }

  element.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(slots);
    audience.showIssues([]);
    formError.textContent = '';
    const rules = current();
    const body = ruleBody();
    const index = editing === null ? rules.length : rules.findIndex((r) => r.id === editing);
    const list: ReengagementRuleBody[] = [...rules];
    list.splice(index, editing === null ? 0 : 1, body);
    try {
      const r = await api.saveReengagementRules({ rules: list });
      fill(null);
      await saved(r.rules, t('ruleSaved', { name: body.name }));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = errorText(err);
        return;
      }
      // `rules.<index>.cooldownDays`: the edited rule's own refusals go under its fields.
      const own = `rules.${index}.`;
      const mine = err.issues.filter((i) => i.path.startsWith(own)).map((i) => ({ ...i, path: i.path.slice(own.length) }));
      const left = showFieldErrors(slots, mine, fieldOf);
      const segment: ApiIssue[] = left.filter((i) => i.path === 'segment' || i.path.startsWith('segment.'));
      if (segment.length) audience.showIssues(segment);
      if (segment.length && left.length === mine.length) audience.refusedControl()?.focus();
      const others = [...left.filter((i) => !segment.includes(i)), ...err.issues.filter((i) => !i.path.startsWith(own))];
      if (others.length || !err.issues.length) formError.textContent = others.length ? others.map((i) => `${i.path}: ${i.message}`).join('; ') : err.message;
    }
  });
  fill(null);
  return {
    element,
    edit: (r: ReengagementRule) => {
      fill(r);
      inputs.name.focus();
    },
  };
}
