import { roleList } from '../access';
import { api, auditExportPath, download, errorText } from '../api';
import { timeIn } from '../dates';
import { field, h } from '../dom';
import { locale, t } from '../i18n';
import type { AccountInfo, AuditEntry, AuditQuery } from '../types';

/** Remembered for the tab, so switching language or page keeps the filters. */
let filters: AuditQuery = {};

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** One change of a diff as the API may list it: a path and the value before and after. */
interface Change {
  path: string;
  before?: unknown;
  after?: unknown;
}
function changesOf(diff: unknown): Change[] | null {
  if (!Array.isArray(diff)) return null;
  const list = diff.filter((d): d is Record<string, unknown> => !!d && typeof d === 'object');
  if (list.length !== diff.length) return null;
  return list.map((d) => ({
    path: Array.isArray(d.path) ? d.path.join('.') : String(d.path ?? d.field ?? ''),
    before: d.before ?? d.from ?? d.oldValue,
    after: d.after ?? d.to ?? d.value ?? d.newValue,
  }));
}
const short = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** Before / after / diff, readably: a table of changed fields when the diff lists them, else the JSON. */
function changes(e: AuditEntry): HTMLElement {
  if (e.before === undefined && e.after === undefined && e.diff === undefined && e.request === undefined)
    return h('span', { class: 'hint' }, t('auditNoChange'));
  const list = changesOf(e.diff);
  const diffView = list
    ? h(
        'table',
        { class: 'ledger diff' },
        h('caption', {}, t('auditDiff')),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, t('auditWhat')), h('th', { scope: 'col' }, t('auditBefore')), h('th', { scope: 'col' }, t('auditAfter'))),
        ),
        h(
          'tbody',
          {},
          list.map((c) =>
            h('tr', {}, h('td', { class: 'code' }, c.path), h('td', { class: 'del' }, short(c.before)), h('td', { class: 'ins' }, short(c.after))),
          ),
        ),
      )
    : e.diff !== undefined
      ? h('div', {}, h('h3', {}, t('auditDiff')), h('pre', {}, json(e.diff)))
      : null;
  return h(
    'details',
    { class: 'audit-changes' },
    h('summary', {}, t('auditShowChanges')),
    diffView,
    e.before !== undefined ? h('div', {}, h('h3', {}, t('auditBefore')), h('pre', { 'data-before': '' }, json(e.before))) : null,
    e.after !== undefined ? h('div', {}, h('h3', {}, t('auditAfter')), h('pre', { 'data-after': '' }, json(e.after))) : null,
    e.request !== undefined ? h('div', {}, h('h3', {}, t('auditRequestBody')), h('pre', {}, json(e.request))) : null,
  );
}

/** The audit log (admins only): filters, a page at a time, each change readable, and the export. */
export function auditPage(account: AccountInfo): HTMLElement {
  const input = (name: keyof AuditQuery, type: string) => h('input', { type, name, value: filters[name] ?? '' });
  const inputs = { from: input('from', 'date'), to: input('to', 'date'), actor: input('actor', 'text'), kind: input('kind', 'text') };
  const fields = [
    field(t('auditFrom'), inputs.from),
    field(t('auditTo'), inputs.to),
    field(t('auditActor'), inputs.actor),
    field(t('auditKind'), inputs.kind, t('auditKindHint')),
  ];
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('section', { class: 'card', 'aria-labelledby': 'audit-list', 'data-audit': '' }, h('p', {}, t('loading')));
  let entries: AuditEntry[] = [];
  let cursor: string | null = null;

  const read = (): AuditQuery => ({
    from: inputs.from.value || undefined,
    to: inputs.to.value || undefined,
    actor: inputs.actor.value.trim() || undefined,
    kind: inputs.kind.value.trim() || undefined,
  });

  async function load(more = false) {
    try {
      const page = await api.audit({ ...filters, limit: '50', ...(more && cursor ? { cursor } : {}) });
      entries = more ? [...entries, ...page.entries] : page.entries;
      cursor = page.cursor ?? null;
      render();
    } catch (err) {
      list.replaceChildren(h('h2', { id: 'audit-list' }, t('navAudit')), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }

  function render() {
    const when = (iso: string) => timeIn(account.timeZone, iso, locale());
    list.replaceChildren(
      h('h2', { id: 'audit-list' }, t('auditCount', { n: entries.length })),
      entries.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'ledger audit' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  (['auditWhen', 'auditWho', 'auditWhat', 'auditStatus', 'auditChanges'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
                ),
              ),
              h(
                'tbody',
                {},
                entries.map((e) =>
                  h(
                    'tr',
                    { 'data-entry': e.id, 'data-kind': e.kind },
                    h('td', {}, when(e.at)),
                    h('td', {}, e.actor.username, h('br'), h('span', { class: 'hint' }, roleList(e.actor.roles))),
                    h(
                      'td',
                      {},
                      h('span', { class: 'code' }, e.kind),
                      h('br'),
                      h('span', { class: 'hint' }, `${e.method} ${e.path}`),
                      e.approvalId ? h('span', { class: 'hint' }, ` · ${t('auditApproval', { id: e.approvalId })}`) : null,
                      h('br'),
                      h('span', { class: 'hint' }, `${t('auditRequest')}: ${e.requestId}`),
                    ),
                    h(
                      'td',
                      { class: 'num' },
                      String(e.status),
                      e.outcome && e.outcome !== 'done' ? h('span', { class: 'hint' }, ` ${t(`auditOutcome_${e.outcome}`)}`) : null,
                    ),
                    h('td', {}, changes(e)),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, t('auditNone')),
    );
    if (cursor) list.append(h('button', { type: 'button', onclick: () => void load(true) }, t('loadMore')));
  }

  const form = h(
    'form',
    { class: 'card audit-filters', 'aria-label': t('auditFilter') },
    h(
      'div',
      { class: 'row' },
      fields.map((f) => f.wrap),
    ),
    h(
      'div',
      { class: 'row-actions' },
      h('button', { type: 'submit', class: 'primary' }, t('auditFilter')),
      h('button', { type: 'button', 'data-export': 'csv', onclick: () => void exportAs('csv') }, t('auditExportCsv')),
      h('button', { type: 'button', 'data-export': 'jsonl', onclick: () => void exportAs('jsonl') }, t('auditExportJsonl')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filters = read();
    void load();
  });

  async function exportAs(format: 'csv' | 'jsonl') {
    status.classList.remove('error');
    status.textContent = '';
    const { from, to } = read();
    try {
      await download(auditExportPath({ from, to, format }), `audit-${from ?? 'start'}-${to ?? 'now'}.${format}`);
    } catch (err) {
      status.classList.add('error');
      status.textContent = errorText(err);
    }
  }

  void load();
  return h('div', { class: 'page audit-page' }, h('h1', {}, t('navAudit')), h('p', { class: 'hint' }, t('auditIntro')), form, status, list);
}
