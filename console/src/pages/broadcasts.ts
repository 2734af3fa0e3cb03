import { can, readOnlyNote } from '../access';
import { api, ApiError, errorText } from '../api';
import { approvalBadge } from './approvals';
import { timeIn } from '../dates';
import { field, h } from '../dom';
import { clearFieldErrors, showFieldErrors, slotsOf, type FieldSlots } from '../formErrors';
import { isKey, t, type Key, locale } from '../i18n';
import { parseKeyValues } from '../keyValues';
import { segmentEditor } from '../segmentEditor';
import type { AccountInfo, ApiIssue, BroadcastBody, BroadcastPreviewResult, BroadcastView } from '../types';

const LIVE = new Set(['scheduled', 'expanding', 'sending', 'held']);
const total = (r: Record<string, number>) => Object.values(r).reduce((a, n) => a + n, 0);

/** A translated label for a channel, a skip reason or an errcode; the raw value when we have none. */
const known = (key: string, otherwise: (key: Key) => string, fallback: string) => (isKey(key) ? otherwise(key) : fallback);
const channelLabel = (c: string) => known(`ch_${c}`, (k) => t(k), c);
const skipLabel = (r: string) => known(`skip_${r}`, (k) => t(k), r);
const errcodeLabel = (code: string) => known(`err_${code}`, (k) => `${t(k)} (${code})`, t('errcodeN', { code }));

/** The server's marketing-wording warning, in the console's language: which field, which word. */
function warningText(w: BroadcastView['warnings'][number]): string {
  const word = /^"([^"]+)"/.exec(w.message)?.[1];
  return word ? t('warnMarketing', { field: w.path, word }) : `${w.path}: ${w.message}`;
}

/**
 * Broadcasts: compose (customer-service text with an optional service-notice fallback, a service
 * notice, or a mass send), the audience (the shared segment editor), when (in the account's time
 * zone), quiet hours and a frequency cap; a preview to test openids; then the list with live
 * progress (by channel, skip reason, errcode, WeChat's delivery reports), refreshed every 2 s while
 * one is under way. A 400 lands under the field its path names.
 */
export function broadcastsPage(account: AccountInfo): HTMLElement {
  const when = (iso: string | undefined) => timeIn(account.timeZone, iso, locale());
  const form = composeForm(account);
  const preview = previewCard();

  const list = h('section', { class: 'card', 'aria-labelledby': 'broadcast-list' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function refresh() {
    clearTimeout(timer);
    const { broadcasts } = await api.broadcasts();
    preview.offer(broadcasts);
    list.replaceChildren(
      h('h2', { id: 'broadcast-list' }, t('broadcastList')),
      broadcasts.length
        ? h(
            'ul',
            { class: 'broadcasts' },
            broadcasts.map((b) => broadcastItem(b, when, can('POST /admin/broadcasts/{id}/cancel') ? () => void cancel(b.id) : null)),
          )
        : h('p', {}, t('noBroadcasts')),
    );
    // Poll while something is under way and the page is still shown.
    if (broadcasts.some((b) => LIVE.has(b.status))) timer = setTimeout(() => (list.isConnected ? void refresh().catch(() => {}) : undefined), 2000);
  }
  async function cancel(id: string) {
    try {
      await api.cancelBroadcast(id);
      await refresh();
    } catch (err) {
      list.append(h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }
  form.onSaved = async (b) => {
    await refresh();
    preview.choose(b.id);
  };
  void refresh().catch((err) => list.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));
  // What the role cannot call is left out: a viewer or marketer reads the list only.
  const mayCreate = can('POST /admin/broadcasts');
  return h(
    'div',
    { class: 'page broadcasts-page' },
    h('h1', {}, t('navBroadcasts')),
    mayCreate ? null : readOnlyNote(),
    list,
    mayCreate ? form.element : null,
    can('POST /admin/broadcasts/{id}/preview') ? preview.element : null,
  );
}

/** One broadcast in the list: status, when (account time zone), progress and its breakdown, warnings. */
function broadcastItem(b: BroadcastView, when: (iso: string | undefined) => string, cancel: (() => void) | null): HTMLElement {
  const p = b.progress;
  const name = b.config.name ?? b.id;
  // Unknown yet ("…") while it can still be counted; "—" once it never will be (cancelled before expansion).
  const unknown = LIVE.has(b.status) ? '…' : '—';
  const percent = p.percent === null ? unknown : `${p.percent}%`;
  const reasons = (r: Record<string, number>, label: (k: string) => string) =>
    Object.entries(r)
      .map(([k, v]) => `${label(k)} ${v}`)
      .join(', ');
  const held =
    b.holdUntil && Date.parse(b.holdUntil) > Date.now()
      ? t('heldQuota', { at: when(b.holdUntil) })
      : b.status === 'scheduled' && b.dueAt && b.dueAt > b.sendAt
        ? t('heldQuiet', { at: when(b.dueAt) })
        : '';
  const c = b.config;
  const rules = [
    channelLabel(c.message.channel),
    c.quietHours ? t('quietSummary', { start: c.quietHours.start, end: c.quietHours.end }) : t('quietOff'),
    c.frequencyCap ? t('capSummary', { max: c.frequencyCap.max, days: c.frequencyCap.days }) : null,
  ];
  return h(
    'li',
    { class: 'broadcast', 'data-broadcast': b.id, 'data-status': b.status },
    h(
      'div',
      { class: 'head' },
      h('strong', {}, name),
      h('span', { class: 'badge' }, t(`bstatus_${b.status}`)),
      approvalBadge(b.approval?.state),
      h('span', { class: 'when' }, when(b.sendAt)),
    ),
    h('p', { class: 'rules' }, rules.filter(Boolean).join(' · ')),
    held ? h('p', { class: 'held', 'data-held': '' }, held) : null,
    h('progress', { max: 100, value: p.percent ?? 0, 'aria-label': `${name}: ${percent}`, 'data-percent': p.percent ?? '' }),
    h(
      'p',
      { class: 'counts' },
      `${percent} · ${t('audience')} ${p.audience ?? unknown} · ${t('sent')} ${p.sent} · ${t('skipped')} ${total(p.skipped)}${Object.keys(p.skipped).length ? ` (${reasons(p.skipped, skipLabel)})` : ''} · ${t('failed')} ${total(p.failed)}${Object.keys(p.failed).length ? ` (${reasons(p.failed, errcodeLabel)})` : ''}`,
    ),
    breakdown(b),
    b.warnings.length
      ? h(
          'ul',
          { class: 'warnings', 'aria-label': t('warnings') },
          b.warnings.map((w) => h('li', { 'data-warning': w.path }, warningText(w))),
        )
      : null,
    LIVE.has(b.status) && cancel ? h('button', { type: 'button', 'aria-label': `${t('cancel')} ${name}`, onclick: cancel }, t('cancel')) : null,
  );
}

/** Sent by channel, skipped by reason, failed by errcode, and WeChat's job reports; only what has numbers. */
function breakdown(b: BroadcastView): HTMLElement | null {
  const p = b.progress;
  const group = (title: string, prefix: string, counts: Record<string, number>, label: (k: string) => string) =>
    Object.keys(counts).length
      ? h(
          'div',
          {},
          h('dt', {}, title),
          h(
            'dd',
            {},
            h(
              'ul',
              {},
              Object.entries(counts).map(([k, n]) => h('li', { 'data-count': `${prefix}.${k}` }, `${label(k)} ${n}`)),
            ),
          ),
        )
      : null;
  const reports: Record<string, number> = p.delivered || p.deliveryFailed ? { delivered: p.delivered, deliveryFailed: p.deliveryFailed } : {};
  const groups = [
    group(t('sentBy'), 'sent', p.sentBy, channelLabel),
    group(t('skippedBy'), 'skipped', p.skipped, skipLabel),
    group(t('failedBy'), 'failed', p.failed, errcodeLabel),
    group(t('deliveryReports'), 'report', reports, (k) => t(k === 'delivered' ? 'delivered' : 'deliveryFailed')),
  ].filter((g) => g !== null);
  return groups.length ? h('dl', { class: 'breakdown' }, groups) : null;
}

/** The compose form. `onSaved` runs with each broadcast saved. */
function composeForm(account: AccountInfo) {
  const number = (name: string, min: number, max: number) => h('input', { type: 'number', name, min, max, step: 1, inputmode: 'numeric' });
  const inputs = {
    name: h('input', { type: 'text', name: 'name', maxlength: 80 }),
    'message.channel': h(
      'select',
      { name: 'channel' },
      (['custom', 'template', 'mass'] as const).map((c) => h('option', { value: c }, t(`channel_${c}`))),
    ),
    massKind: h('select', { name: 'massKind' }, h('option', { value: 'text' }, t('massKind_text')), h('option', { value: 'mpnews' }, t('massKind_mpnews'))),
    'message.text': h('textarea', { name: 'text', rows: 3, maxlength: 2000 }),
    'message.mediaId': h('input', { type: 'text', name: 'mediaId', maxlength: 128 }),
    outsideWindow: h('input', { type: 'checkbox', name: 'outsideWindow' }),
    'message.templateId': h('input', { type: 'text', name: 'templateId', maxlength: 64 }),
    'message.data': h('textarea', { name: 'data', rows: 3, placeholder: 'thing1=…\ntime2=…' }),
    'message.url': h('input', { type: 'url', name: 'url', maxlength: 1024, placeholder: 'https://' }),
    sendAt: h('input', { type: 'datetime-local', name: 'sendAt' }),
    quietHours: h('input', { type: 'checkbox', name: 'quietHours', checked: true }),
    'quietHours.start': h('input', { type: 'time', name: 'quietStart', value: '22:00' }),
    'quietHours.end': h('input', { type: 'time', name: 'quietEnd', value: '08:00' }),
    'frequencyCap.max': number('capMax', 1, 50),
    'frequencyCap.days': number('capDays', 1, 28),
  };
  type Path = keyof typeof inputs;
  const zone = ` (${account.timeZone})`;
  const f = {
    name: field(t('broadcastName'), inputs.name),
    'message.channel': field(t('channel'), inputs['message.channel']),
    massKind: field(t('massKind'), inputs.massKind),
    'message.text': field(t('messageText'), inputs['message.text']),
    'message.mediaId': field(t('mediaId'), inputs['message.mediaId'], t('mediaIdHint')),
    outsideWindow: field(t('outsideWindowFallback'), inputs.outsideWindow),
    'message.templateId': field(t('templateId'), inputs['message.templateId']),
    'message.data': field(t('templateData'), inputs['message.data'], t('templateDataHint')),
    'message.url': field(t('templateUrl'), inputs['message.url'], t('optional')),
    sendAt: field(t('sendAt'), inputs.sendAt, `${t('sendAtHint')}${zone}`),
    quietHours: field(t('quietHours', { start: '22:00', end: '08:00' }), inputs.quietHours),
    'quietHours.start': field(t('quietStart'), inputs['quietHours.start'], `${t('inAccountZone')}${zone}`),
    'quietHours.end': field(t('quietEnd'), inputs['quietHours.end']),
    'frequencyCap.max': field(t('capMax'), inputs['frequencyCap.max'], t('capHint')),
    'frequencyCap.days': field(t('capDays'), inputs['frequencyCap.days']),
  } satisfies Record<Path, ReturnType<typeof field>>;
  const slots = slotsOf(inputs, f);
  f.quietHours.wrap.classList.add('check');
  f.outsideWindow.wrap.classList.add('check');
  const audience = segmentEditor({ legend: t('broadcastAudience') });

  const channel = () => inputs['message.channel'].value as 'custom' | 'template' | 'mass';
  const massText = () => inputs.massKind.value === 'text';
  /** Only the fields of the chosen channel are shown; the template fields serve the custom fallback too. */
  function showChannel() {
    const c = channel();
    const notice = c === 'template' || (c === 'custom' && inputs.outsideWindow.checked);
    f.massKind.wrap.hidden = c !== 'mass';
    f['message.text'].wrap.hidden = c === 'template' || (c === 'mass' && !massText());
    f['message.mediaId'].wrap.hidden = c !== 'mass' || massText();
    f.outsideWindow.wrap.hidden = c !== 'custom';
    for (const p of ['message.templateId', 'message.data', 'message.url'] as const) f[p].wrap.hidden = !notice;
  }
  /** The checkbox names the hours it keeps free; the times show only while it is on. */
  function showQuietHours() {
    const on = inputs.quietHours.checked;
    f['quietHours.start'].wrap.hidden = !on;
    f['quietHours.end'].wrap.hidden = !on;
    f.quietHours.wrap.querySelector('label')!.textContent = t('quietHours', {
      start: inputs['quietHours.start'].value || '—',
      end: inputs['quietHours.end'].value || '—',
    });
  }
  for (const el of [inputs['message.channel'], inputs.massKind, inputs.outsideWindow]) el.addEventListener('change', showChannel);
  for (const el of [inputs.quietHours, inputs['quietHours.start'], inputs['quietHours.end']]) el.addEventListener('input', showQuietHours);
  inputs.quietHours.addEventListener('change', showQuietHours);
  showChannel();
  showQuietHours();

  function messageBody(): BroadcastBody['message'] {
    const v = (p: Path) => inputs[p].value.trim();
    const notice = {
      templateId: v('message.templateId'),
      data: parseKeyValues(inputs['message.data'].value),
      ...(v('message.url') ? { url: v('message.url') } : {}),
    };
    switch (channel()) {
      case 'template':
        return { channel: 'template', ...notice };
      case 'mass':
        return massText() ? { channel: 'mass', text: inputs['message.text'].value } : { channel: 'mass', mediaId: v('message.mediaId') };
      case 'custom':
        return { channel: 'custom', text: inputs['message.text'].value, ...(inputs.outsideWindow.checked ? { outsideWindow: notice } : {}) };
    }
  }
  function body(): BroadcastBody {
    const cap = [inputs['frequencyCap.max'].value.trim(), inputs['frequencyCap.days'].value.trim()];
    return {
      ...(inputs.name.value.trim() ? { name: inputs.name.value.trim() } : {}),
      message: messageBody(),
      segment: audience.value(),
      // A local wall-clock time: the server reads it in the account's time zone.
      sendAt: inputs.sendAt.value || 'now',
      quietHours: inputs.quietHours.checked ? { start: inputs['quietHours.start'].value, end: inputs['quietHours.end'].value } : null,
      // Both empty: no cap; one empty is sent as 0 so the API's refusal names that field.
      frequencyCap: cap.every((x) => x === '') ? null : { max: Number(cap[0]), days: Number(cap[1]) },
    };
  }

  /** Where a refusal's path goes: the field it names, the visible field of the message it is about. */
  function fieldOf(path: string): Path | undefined {
    if (path in inputs) return path as Path;
    const fallback = path.startsWith('message.outsideWindow');
    const p = fallback ? path.replace('message.outsideWindow', 'message') : path;
    if (p in inputs) return p as Path;
    if (p.startsWith('message.data')) return 'message.data';
    if (p.startsWith('message'))
      return fallback || channel() === 'template' ? 'message.templateId' : channel() === 'mass' && !massText() ? 'message.mediaId' : 'message.text';
    if (p.startsWith('quietHours')) return 'quietHours.start';
    if (p.startsWith('frequencyCap')) return 'frequencyCap.max';
    return undefined;
  }

  const formError = h('p', { class: 'error', role: 'alert' });
  const status = h('p', { class: 'status', role: 'status' });
  const group = (legend: string, ...children: HTMLElement[]) => h('fieldset', {}, h('legend', {}, legend), ...children);
  const row = (...paths: Path[]) =>
    h(
      'div',
      { class: 'row' },
      paths.map((p) => f[p].wrap),
    );
  // novalidate: the API's refusals (with the limits it enforces) show under each field, in one style.
  const element = h(
    'form',
    { class: 'card campaign-form broadcast-form', 'aria-labelledby': 'new-broadcast', novalidate: true },
    h('h2', { id: 'new-broadcast' }, t('newBroadcast')),
    group(
      t('message'),
      row('name', 'message.channel', 'massKind'),
      row('message.text', 'message.mediaId', 'outsideWindow'),
      row('message.templateId', 'message.data', 'message.url'),
    ),
    group(t('audienceAndTime'), audience.element, row('sendAt')),
    group(t('limits'), row('quietHours', 'quietHours.start', 'quietHours.end'), row('frequencyCap.max', 'frequencyCap.days')),
    h('button', { type: 'submit', class: 'primary' }, t('scheduleBroadcast')),
    formError,
    status,
  );
  const form = { element, onSaved: async (_b: BroadcastView) => {} };
  element.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(slots);
    audience.showIssues([]);
    formError.textContent = '';
    status.textContent = '';
    try {
      const b = await api.createBroadcast(body());
      await form.onSaved(b);
      // After the list shows it, so the news never runs ahead of the page.
      status.textContent =
        t('broadcastScheduled', { name: b.config.name ?? b.id }) + (b.warnings.length ? ` ${t('warnings')}: ${b.warnings.map(warningText).join('; ')}` : '');
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = errorText(err);
        return;
      }
      const left = showFieldErrors(slots, err.issues, fieldOf);
      const segment: ApiIssue[] = left.filter((i) => i.path === 'segment' || i.path.startsWith('segment.'));
      if (segment.length) audience.showIssues(segment);
      if (segment.length && left.length === err.issues.length) audience.refusedControl()?.focus();
      const rest = left.filter((i) => !segment.includes(i));
      if (rest.length || !err.issues.length) formError.textContent = rest.length ? rest.map((i) => `${i.path}: ${i.message}`).join('; ') : err.message;
    }
  });
  return form;
}

/** Preview a saved broadcast to test openids: sent now on each one's channel, counted nowhere. */
function previewCard() {
  const choice = h('select', { name: 'previewBroadcast' });
  const openids = h('textarea', { name: 'openids', rows: 3, spellcheck: 'false', placeholder: 'o_me\no_colleague' });
  const f = { choice: field(t('previewWhich'), choice), openids: field(t('testOpenids'), openids, t('testOpenidsHint')) };
  const slots: FieldSlots<'choice' | 'openids'> = { choice: { input: choice, error: f.choice.error }, openids: { input: openids, error: f.openids.error } };
  const results = h('div', { class: 'preview-results', 'aria-live': 'polite' });
  const formError = h('p', { class: 'error', role: 'alert' });
  const element = h(
    'form',
    { class: 'card campaign-form preview-form', 'aria-labelledby': 'preview-title', novalidate: true },
    h('h2', { id: 'preview-title' }, t('previewTitle')),
    h('p', { class: 'hint' }, t('previewHint')),
    h('div', { class: 'row' }, f.choice.wrap, f.openids.wrap),
    h('button', { type: 'submit' }, t('sendPreview')),
    formError,
    results,
  );
  const resultText = (r: BroadcastPreviewResult) =>
    r.result === 'sent'
      ? t('sent')
      : r.result === 'skipped'
        ? `${t('skipped')}: ${skipLabel(r.reason ?? '')}`
        : `${t('failed')}: ${r.errcode === undefined ? '' : errcodeLabel(String(r.errcode))} ${r.reason ?? ''}`.trim();
  element.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(slots);
    formError.textContent = '';
    results.replaceChildren();
    if (!choice.value) {
      formError.textContent = t('previewNothing');
      return;
    }
    try {
      const ids = openids.value.split(/[\s,，]+/).filter(Boolean);
      const r = await api.previewBroadcast(choice.value, { openids: ids });
      results.replaceChildren(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'ledger' },
            h('caption', { class: 'visually-hidden' }, t('previewResults')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [t('testOpenid'), t('channel'), t('previewResult')].map((k) => h('th', { scope: 'col' }, k)),
              ),
            ),
            h(
              'tbody',
              {},
              r.results.map((x) =>
                h(
                  'tr',
                  { 'data-preview': x.openid, 'data-result': x.result },
                  h('td', {}, x.openid),
                  h('td', {}, x.channel ? channelLabel(x.channel) : '—'),
                  h('td', {}, resultText(x)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = errorText(err);
        return;
      }
      const left = showFieldErrors(slots, err.issues, (p) => (p.startsWith('openids') ? 'openids' : undefined));
      if (left.length || !err.issues.length) formError.textContent = err.message;
    }
  });
  return {
    element,
    /** The saved broadcasts to choose from (newest first); the choice survives the list's refreshes. */
    offer(broadcasts: BroadcastView[]) {
      const keep = choice.value;
      choice.replaceChildren(...broadcasts.map((b) => h('option', { value: b.id }, `${b.config.name ?? b.id} · ${t(`bstatus_${b.status}`)}`)));
      if (broadcasts.some((b) => b.id === keep)) choice.value = keep;
    },
    choose(id: string) {
      choice.value = id;
    },
  };
}
