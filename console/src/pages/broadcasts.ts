import { api, ApiError } from '../api';
import { timeIn } from '../dates';
import { field, h, setError } from '../dom';
import { lang, t } from '../i18n';
import type { AccountInfo, BroadcastBody, BroadcastView } from '../types';

const LIVE = new Set(['scheduled', 'expanding', 'sending', 'held']);

/**
 * Broadcasts: compose (customer-service text or a service notice), the audience (everyone following,
 * or one tag), when (now or a local time in the account's zone, quiet hours on or off); then the list
 * with live progress (sent / skipped / failed with reasons), refreshed every 2 s while one is under way.
 */
export function broadcastsPage(account: AccountInfo): HTMLElement {
  const locale = lang() === 'zh' ? 'zh-CN' : 'en-GB';
  const inputs = {
    name: h('input', { type: 'text', name: 'name', maxlength: 80 }),
    'message.channel': h('select', { name: 'channel' }, h('option', { value: 'custom' }, t('channel_custom')), h('option', { value: 'template' }, t('channel_template'))),
    'message.text': h('textarea', { name: 'text', rows: 3, maxlength: 2000 }),
    'message.templateId': h('input', { type: 'text', name: 'templateId', maxlength: 64 }),
    'message.data': h('textarea', { name: 'data', rows: 3, placeholder: 'thing1=…\ntime2=…' }),
    segment: h('input', { type: 'text', name: 'tag', maxlength: 32 }),
    sendAt: h('input', { type: 'datetime-local', name: 'sendAt' }),
    quietHours: h('input', { type: 'checkbox', name: 'quietHours', checked: true }),
  };
  type Path = keyof typeof inputs;
  const f = {
    name: field(t('broadcastName'), inputs.name),
    'message.channel': field(t('channel'), inputs['message.channel']),
    'message.text': field(t('messageText'), inputs['message.text']),
    'message.templateId': field(t('templateId'), inputs['message.templateId']),
    'message.data': field(t('templateData'), inputs['message.data'], t('templateDataHint')),
    segment: field(t('audienceTag'), inputs.segment, t('audienceHint')),
    sendAt: field(t('sendAt'), inputs.sendAt, `${t('sendAtHint')} (${account.timeZone})`),
    quietHours: field(t('quietHours'), inputs.quietHours),
  } satisfies Record<Path, ReturnType<typeof field>>;
  f.quietHours.wrap.classList.add('check');
  const showChannel = () => {
    const template = inputs['message.channel'].value === 'template';
    f['message.text'].wrap.hidden = template;
    f['message.templateId'].wrap.hidden = !template;
    f['message.data'].wrap.hidden = !template;
  };
  inputs['message.channel'].addEventListener('change', showChannel);
  showChannel();

  function body(): BroadcastBody {
    const tag = inputs.segment.value.trim();
    const data = Object.fromEntries(
      inputs['message.data'].value
        .split('\n')
        .map((l) => l.split('='))
        .filter((kv) => kv.length >= 2 && kv[0]!.trim())
        .map(([k, ...v]) => [k!.trim(), v.join('=').trim()]),
    );
    return {
      ...(inputs.name.value.trim() ? { name: inputs.name.value.trim() } : {}),
      message: inputs['message.channel'].value === 'template' ? { channel: 'template', templateId: inputs['message.templateId'].value.trim(), data } : { channel: 'custom', text: inputs['message.text'].value },
      segment: tag ? { tag } : { subscribed: true },
      sendAt: inputs.sendAt.value || 'now',
      quietHours: inputs.quietHours.checked ? { start: '22:00', end: '08:00' } : null,
    };
  }

  const formError = h('p', { class: 'error', role: 'alert' });
  const status = h('p', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'card campaign-form', 'aria-labelledby': 'new-broadcast' },
    h('h2', { id: 'new-broadcast' }, t('newBroadcast')),
    h('fieldset', {}, h('legend', {}, t('message')), h('div', { class: 'row' }, f.name.wrap, f['message.channel'].wrap), h('div', { class: 'row' }, f['message.text'].wrap, f['message.templateId'].wrap, f['message.data'].wrap)),
    h('fieldset', {}, h('legend', {}, t('audienceAndTime')), h('div', { class: 'row' }, f.segment.wrap, f.sendAt.wrap, f.quietHours.wrap)),
    h('button', { type: 'submit', class: 'primary' }, t('scheduleBroadcast')),
    formError,
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const p of Object.keys(inputs) as Path[]) setError(inputs[p], f[p].error, null);
    formError.textContent = '';
    status.textContent = '';
    try {
      const b = await api.createBroadcast(body());
      status.textContent = t('broadcastScheduled', { name: b.config.name ?? b.id }) + (b.warnings.length ? ` ${t('warnings')}: ${b.warnings.map((w) => w.message).join('; ')}` : '');
      await refresh();
    } catch (err) {
      if (!(err instanceof ApiError)) return void (formError.textContent = String(err));
      let placed = 0;
      for (const i of err.issues) {
        const p = (i.path in inputs ? i.path : i.path.startsWith('message.data') ? 'message.data' : i.path.startsWith('segment') ? 'segment' : i.path.startsWith('message') ? (inputs['message.channel'].value === 'template' ? 'message.templateId' : 'message.text') : '') as Path | '';
        if (p) {
          setError(inputs[p], f[p].error, i.message);
          placed++;
        }
      }
      if (placed < err.issues.length || !err.issues.length) formError.textContent = err.message;
    }
  });

  const reasons = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const list = h('section', { class: 'card', 'aria-labelledby': 'broadcast-list' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function refresh() {
    clearTimeout(timer);
    const { broadcasts } = await api.broadcasts();
    list.replaceChildren(
      h('h2', { id: 'broadcast-list' }, t('broadcastList')),
      broadcasts.length
        ? h(
            'ul',
            { class: 'broadcasts' },
            broadcasts.map((b) => {
              const p = b.progress;
              const label = `${b.config.name ?? b.id}: ${p.percent === null ? '…' : `${p.percent}%`}`;
              return h(
                'li',
                { class: 'broadcast', 'data-broadcast': b.id, 'data-status': b.status },
                h('div', { class: 'head' }, h('strong', {}, b.config.name ?? b.id), h('span', { class: 'badge' }, t(`bstatus_${b.status}`)), h('span', { class: 'when' }, timeIn(account.timeZone, b.sendAt, locale))),
                h('progress', { max: 100, value: p.percent ?? 0, 'aria-label': label, 'data-percent': p.percent ?? '' }),
                h(
                  'p',
                  { class: 'counts' },
                  `${p.percent === null ? '…' : `${p.percent}%`} · ${t('audience')} ${p.audience ?? '…'} · ${t('sent')} ${p.sent} · ${t('skipped')} ${Object.values(p.skipped).reduce((a, n) => a + n, 0)}${Object.keys(p.skipped).length ? ` (${reasons(p.skipped)})` : ''} · ${t('failed')} ${Object.values(p.failed).reduce((a, n) => a + n, 0)}${Object.keys(p.failed).length ? ` (${reasons(p.failed)})` : ''}`,
                ),
                LIVE.has(b.status) ? h('button', { type: 'button', 'aria-label': `${t('cancel')} ${b.config.name ?? b.id}`, onclick: () => void cancel(b.id) }, t('cancel')) : null,
              );
            }),
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
      list.append(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
    }
  }
  void refresh().catch((err) => list.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err))));
  return h('div', { class: 'page broadcasts-page' }, h('h1', {}, t('navBroadcasts')), list, form);
}
