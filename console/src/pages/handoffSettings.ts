import { can, readOnlyNote } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, uid } from '../dom';
import { clearFieldErrors, showFieldErrors, slotsOf, type FieldSlots } from '../formErrors';
import { t, type Key } from '../i18n';
import type { ApiIssue, HandoffSettings } from '../types';

type Slot = 'keywords' | 'ackInHours' | 'ackOutOfHours' | 'days' | 'from' | 'to' | 'idleMinutes' | 'mode' | 'retentionDays';
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** The field an issue path names (`serviceHours.days.0` → days; the from/to refinement sits on `serviceHours`). */
function slotOf(path: string): Slot | undefined {
  const [top, sub] = path.split('.');
  if (top === 'serviceHours') return sub === 'days' || sub === 'to' ? sub : 'from';
  return top as Slot;
}

/** Keywords are typed one a line (commas also split); blank lines are dropped. */
const keywordsOf = (text: string) =>
  text
    .split(/[\n,，、]/)
    .map((k) => k.trim())
    .filter(Boolean);

/** A refused keyword is named in its message (the API counts it by position). */
const namingKeyword = (keywords: string[]) => (issue: ApiIssue) => {
  const m = /^keywords\.(\d+)$/.exec(issue.path);
  return m ? { ...issue, message: `「${keywords[Number(m[1])]}」${issue.message}` } : issue;
};

/**
 * Handoff settings (GET / PUT /admin/handoff-settings): the keywords that ask for a person, the
 * acknowledgements inside and outside service hours, the hours, the idle timeout, inbox or WeChat's
 * own customer service, and how long history is kept. Agents read them; operators change them.
 */
export function handoffSettingsCard(timeZone: string): HTMLElement | null {
  if (!can('GET /admin/handoff-settings')) return null;
  const mayEdit = can('PUT /admin/handoff-settings');
  const body = h('div', {}, h('p', {}, t('loading')));

  function render(s: HandoffSettings, message = '') {
    const inputs = {
      keywords: h('textarea', { name: 'keywords', rows: 4 }, s.keywords.join('\n')),
      ackInHours: h('textarea', { name: 'ackInHours', rows: 2, maxlength: 600 }, s.ackInHours),
      ackOutOfHours: h('textarea', { name: 'ackOutOfHours', rows: 3, maxlength: 600 }, s.ackOutOfHours),
      from: h('input', { type: 'time', name: 'from', value: s.serviceHours.from, required: true }),
      to: h('input', { type: 'time', name: 'to', value: s.serviceHours.to, required: true }),
      idleMinutes: h('input', { type: 'number', name: 'idleMinutes', min: 5, max: 1440, step: 1, value: s.idleMinutes, required: true }),
      mode: h(
        'select',
        { name: 'mode' },
        (['inbox', 'wechat'] as const).map((m) => h('option', { value: m, selected: m === s.mode }, t(`handoffMode_${m}` as Key))),
      ),
      retentionDays: h('input', { type: 'number', name: 'retentionDays', min: 7, max: 1095, step: 1, value: s.retentionDays, required: true }),
    };
    const fields = {
      keywords: field(t('handoffKeywords'), inputs.keywords, t('handoffKeywordsHint')),
      ackInHours: field(t('handoffAckInHours'), inputs.ackInHours),
      ackOutOfHours: field(t('handoffAckOutOfHours'), inputs.ackOutOfHours),
      from: field(t('handoffFrom'), inputs.from, t('handoffHoursHint', { tz: timeZone })),
      to: field(t('handoffTo'), inputs.to),
      idleMinutes: field(t('handoffIdleMinutes'), inputs.idleMinutes, t('handoffIdleHint')),
      mode: field(t('handoffMode'), inputs.mode, t('handoffModeHint')),
      retentionDays: field(t('handoffRetentionDays'), inputs.retentionDays, t('handoffRetentionHint')),
    };
    const days = WEEKDAYS.map((d) => h('input', { type: 'checkbox', name: 'days', value: d, checked: s.serviceHours.days.includes(d) }));
    const daysError = h('p', { class: 'field-error', id: uid('days-error'), role: 'alert' });
    for (const d of days) d.setAttribute('aria-describedby', daysError.id);
    const slots: FieldSlots<Slot> = { ...slotsOf(inputs, fields), days: { input: days[0]!, error: daysError } };

    const formError = h('p', { class: 'error', role: 'alert' });
    const status = h('p', { class: 'status', role: 'status' }, message);
    const form = h(
      'form',
      { class: 'campaign-form handoff-settings' },
      h('p', { class: 'hint' }, t('handoffSettingsHint')),
      mayEdit ? null : readOnlyNote(),
      h(
        'fieldset',
        { disabled: !mayEdit },
        h('legend', {}, t('handoffWhatFollowersGet')),
        fields.keywords.wrap,
        fields.ackInHours.wrap,
        fields.ackOutOfHours.wrap,
        h(
          'fieldset',
          { class: 'roles inline' },
          h('legend', {}, t('handoffDays')),
          days.map((d, i) => h('label', { class: 'check' }, d, t(`weekday_${i + 1}` as Key))),
        ),
        daysError,
        h('div', { class: 'row' }, fields.from.wrap, fields.to.wrap),
        h('div', { class: 'row' }, fields.idleMinutes.wrap, fields.mode.wrap, fields.retentionDays.wrap),
      ),
      mayEdit ? h('button', { type: 'submit', class: 'primary' }, t('saveHandoffSettings')) : null,
      formError,
      status,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.textContent = '';
      status.textContent = '';
      clearFieldErrors(slots);
      const next: HandoffSettings = {
        keywords: keywordsOf(inputs.keywords.value),
        ackInHours: inputs.ackInHours.value.trim(),
        ackOutOfHours: inputs.ackOutOfHours.value.trim(),
        serviceHours: { days: days.filter((d) => d.checked).map((d) => Number(d.value)), from: inputs.from.value, to: inputs.to.value },
        idleMinutes: Number(inputs.idleMinutes.value),
        mode: inputs.mode.value as HandoffSettings['mode'],
        retentionDays: Number(inputs.retentionDays.value),
      };
      try {
        render(await api.saveHandoffSettings(next), t('handoffSettingsSaved'));
      } catch (err) {
        const issues = err instanceof ApiError ? err.issues.map(namingKeyword(next.keywords)) : [];
        const left = showFieldErrors(slots, issues, slotOf);
        if (left.length || !issues.length) formError.textContent = left.length ? left.map((i) => `${i.path}: ${i.message}`).join('; ') : errorText(err);
      }
    });
    body.replaceChildren(form);
  }

  api
    .handoffSettings()
    .then((s) => render(s))
    .catch((err) => body.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));
  return h(
    'details',
    { class: 'card handoff-settings-card', id: 'handoff-settings' },
    h('summary', {}, h('h2', { class: 'inline' }, t('handoffSettings'))),
    body,
  );
}
