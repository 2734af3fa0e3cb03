import { can, readOnlyNote } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, setError } from '../dom';
import { timeIn } from '../dates';
import { lang, t, type Key } from '../i18n';
import { replyEditor } from './replyEditor';
import type { AccountInfo, AutoreplyRule, AutoreplyRuleBody, MenuBody, MenuDefinition, ReplySpec, StoredMenu } from '../types';

type MatchType = AutoreplyRule['match']['type'];
const MATCH_TYPES: MatchType[] = ['exact', 'contains', 'regex', 'subscribe', 'default'];
const hasPattern = (m: MatchType) => m === 'exact' || m === 'contains' || m === 'regex';

const bytes = (s: string) => new TextEncoder().encode(s).length;

function matchText(r: AutoreplyRule): string {
  const m = r.match;
  return 'pattern' in m ? `${t(`match_${m.type}` as Key)}：${m.pattern}` : t(`match_${m.type}` as Key);
}

function replyText(reply: ReplySpec): string {
  return reply.type === 'text'
    ? reply.content
    : reply.type === 'news'
      ? `${t('replyKind_news')}：${reply.articles.map((a) => a.title).join('、')}`
      : reply.type === 'image'
        ? `${t('replyKind_image')}：${reply.mediaId}`
        : `${t('replyKind_action')}：${reply.action}`;
}

/** Auto-replies (rules in the order they are tried, a rule form, "try a message") and the custom menu in a phone-shaped preview. */
export function autorepliesPage(account: AccountInfo): HTMLElement {
  const rulesCard = h('section', { class: 'card', 'aria-labelledby': 'rules-title' }, h('p', {}, t('loading')));
  const formCard = h('section', { class: 'card', 'aria-labelledby': 'rule-form-title' });
  const tryCard = h('section', { class: 'card', 'aria-labelledby': 'try-title' });
  const menuCard = h('section', { class: 'card', 'aria-labelledby': 'menu-title' }, h('p', {}, t('loading')));
  let rules: AutoreplyRule[] = [];

  async function loadRules(status = '') {
    try {
      rules = (await api.autoreplyRules()).rules;
      renderRules(status);
    } catch (err) {
      rulesCard.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }

  function renderRules(statusText: string) {
    const status = h('p', { class: 'status', role: 'status' }, statusText);
    const table = rules.length
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
                (['rulePriority', 'arName', 'ruleMatch', 'ruleReply', 'ruleEnabled', 'actions'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
              ),
            ),
            h(
              'tbody',
              {},
              rules.map((r) => {
                const name = r.name || r.id;
                return h(
                  'tr',
                  { 'data-rule': r.id, class: r.enabled ? null : 'disabled' },
                  h('td', { class: 'num' }, r.priority),
                  h('td', {}, name),
                  h('td', {}, matchText(r), r.activeHours ? h('span', { class: 'hint' }, ` · ${r.activeHours.start}–${r.activeHours.end}`) : null),
                  h('td', { class: 'reply' }, replyText(r.reply)),
                  h('td', {}, r.enabled ? '✓' : '—'),
                  h(
                    'td',
                    { class: 'row-actions' },
                    can('PUT /admin/autoreply-rules/{id}') &&
                      h('button', { type: 'button', 'aria-label': t('editRuleButton', { name }), onclick: () => renderForm(r) }, t('edit')),
                    can('DELETE /admin/autoreply-rules/{id}') &&
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'danger',
                          'aria-label': t('deleteRuleButton', { name }),
                          onclick: async () => {
                            if (!confirm(t('confirmDeleteRule', { name }))) return;
                            try {
                              await api.deleteRule(r.id);
                              await loadRules(t('ruleDeleted', { name }));
                            } catch (err) {
                              status.textContent = errorText(err);
                            }
                          },
                        },
                        t('delete'),
                      ),
                  ),
                );
              }),
            ),
          ),
        )
      : h('p', {}, t('noArRules'));
    rulesCard.replaceChildren(h('h2', { id: 'rules-title' }, t('rulesTitle')), h('p', { class: 'hint' }, t('rulesHint')), table, status);
  }

  /** New rule (editing = null) or an existing one: match, reply (any kind), active hours, tags. */
  function renderForm(editing: AutoreplyRule | null) {
    const m = editing?.match;
    const inputs = {
      name: h('input', { type: 'text', maxlength: 64, value: editing?.name ?? '' }),
      type: h(
        'select',
        {},
        MATCH_TYPES.map((k) => h('option', { value: k, selected: m?.type === k }, t(`match_${k}` as Key))),
      ),
      pattern: h('input', { type: 'text', maxlength: 200, value: m && 'pattern' in m ? m.pattern : '' }),
      priority: h('input', { type: 'number', min: 0, max: 100000, step: 1, value: editing?.priority ?? 100 }),
      enabled: h('input', { type: 'checkbox', checked: editing ? editing.enabled : true }),
      start: h('input', { type: 'time', value: editing?.activeHours?.start ?? '' }),
      end: h('input', { type: 'time', value: editing?.activeHours?.end ?? '' }),
      tagsAdd: h('input', { type: 'text', maxlength: 200, value: editing?.tags?.add.join(', ') ?? '' }),
      tagsRemove: h('input', { type: 'text', maxlength: 200, value: editing?.tags?.remove.join(', ') ?? '' }),
    };
    const fields = {
      name: field(t('arName'), inputs.name),
      type: field(t('matchType'), inputs.type),
      pattern: field(t('matchPattern'), inputs.pattern),
      priority: field(t('rulePriority'), inputs.priority),
      enabled: field(t('ruleEnabled'), inputs.enabled),
      start: field(t('activeFrom'), inputs.start, `${t('activeHoursHint')} (${account.timeZone})`),
      end: field(t('activeTo'), inputs.end),
      tagsAdd: field(t('ruleTagsAdd'), inputs.tagsAdd, t('ruleTagsHint')),
      tagsRemove: field(t('ruleTagsRemove'), inputs.tagsRemove),
    };
    const reply = replyEditor(editing?.reply);
    fields.enabled.wrap.classList.add('check');
    const syncPattern = () => {
      const on = hasPattern(inputs.type.value as MatchType);
      inputs.pattern.disabled = !on;
      inputs.pattern.required = on;
    };
    inputs.type.addEventListener('change', syncPattern);
    syncPattern();
    const formError = h('p', { class: 'error', role: 'alert' });
    const status = h('p', { class: 'status', role: 'status' });
    const title = editing ? t('editRule', { name: editing.name || editing.id }) : t('newRule');
    const form = h(
      'form',
      { class: 'campaign-form rule-form', novalidate: true, 'data-editing': editing?.id ?? null },
      h('h2', { id: 'rule-form-title' }, title),
      h('div', { class: 'row' }, fields.name.wrap, fields.type.wrap, fields.pattern.wrap, fields.priority.wrap, fields.enabled.wrap),
      reply.element,
      h(
        'fieldset',
        {},
        h('legend', {}, t('whenAndTags')),
        h('div', { class: 'row' }, fields.start.wrap, fields.end.wrap, fields.tagsAdd.wrap, fields.tagsRemove.wrap),
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary' }, t('saveRule')),
        editing ? h('button', { type: 'button', onclick: () => renderForm(null) }, t('cancelEdit')) : null,
      ),
      formError,
      status,
    );
    const list = (v: string) => v.split(/[,，\s]+/).filter(Boolean);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.textContent = '';
      status.textContent = '';
      for (const k of Object.keys(fields) as (keyof typeof fields)[]) setError(inputs[k], fields[k].error, null);
      reply.clearErrors();
      const type = inputs.type.value as MatchType;
      const match: AutoreplyRuleBody['match'] = hasPattern(type)
        ? { type: type as 'exact' | 'contains' | 'regex', pattern: inputs.pattern.value }
        : { type: type as 'subscribe' | 'default' };
      const name = inputs.name.value.trim();
      const hours = inputs.start.value || inputs.end.value ? { activeHours: { start: inputs.start.value, end: inputs.end.value } } : {};
      const tags =
        inputs.tagsAdd.value.trim() || inputs.tagsRemove.value.trim()
          ? { tags: { add: list(inputs.tagsAdd.value), remove: list(inputs.tagsRemove.value) } }
          : {};
      const body: AutoreplyRuleBody = {
        ...(name ? { name } : {}),
        match,
        reply: reply.value(),
        priority: inputs.priority.value.trim() === '' ? 100 : Number(inputs.priority.value),
        enabled: inputs.enabled.checked,
        ...hours,
        ...tags,
      };
      try {
        const saved = editing ? await api.updateRule(editing.id, body) : await api.createRule(body);
        renderForm(null);
        await loadRules(t('ruleSaved', { name: saved.name || saved.id }));
      } catch (err) {
        if (!(err instanceof ApiError)) {
          formError.textContent = errorText(err);
          return;
        }
        const at = (path: string): keyof typeof fields | undefined =>
          path === 'match' || path === 'match.type'
            ? 'type'
            : path === 'match.pattern'
              ? 'pattern'
              : path === 'activeHours' || path === 'activeHours.start'
                ? 'start'
                : path === 'activeHours.end'
                  ? 'end'
                  : path.startsWith('tags.remove')
                    ? 'tagsRemove'
                    : path.startsWith('tags')
                      ? 'tagsAdd'
                      : path === 'name' || path === 'priority' || path === 'enabled'
                        ? path
                        : undefined;
        let placed = 0;
        let first: HTMLElement | null = null;
        for (const issue of err.issues) {
          const k = at(issue.path);
          if (k) setError(inputs[k], fields[k].error, issue.message);
          const input = k ? inputs[k] : issue.path.startsWith('reply') ? reply.showIssue(issue.path, issue.message) : null;
          if (!input) continue;
          first ??= input;
          placed++;
        }
        first?.focus();
        if (placed < err.issues.length || !err.issues.length) formError.textContent = err.message;
      }
    });
    formCard.replaceChildren(form);
    if (editing) inputs.name.focus();
  }

  function renderTry() {
    const text = h('input', { type: 'text', maxlength: 2048, required: true });
    const f = field(t('tryText'), text);
    const result = h('div', { class: 'try-result', 'aria-live': 'polite', 'data-try-result': '' });
    const form = h('form', { class: 'tag-form try-form' }, f.wrap, h('button', { type: 'submit', class: 'primary' }, t('tryButton')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setError(text, f.error, null);
      try {
        const found = await api.tryMessage({ text: text.value });
        if (!found.ruleId || !found.reply) return void result.replaceChildren(h('p', { 'data-rule-id': '' }, t('tryNoAnswer')));
        const rule = rules.find((r) => r.id === found.ruleId);
        result.replaceChildren(
          h('p', { 'data-rule-id': found.ruleId }, t('tryAnswer', { name: rule?.name || found.ruleId })),
          h('blockquote', { class: 'bubble' }, replyText(found.reply)),
        );
      } catch (err) {
        setError(text, f.error, errorText(err));
      }
    });
    tryCard.replaceChildren(h('h2', { id: 'try-title' }, t('tryTitle')), form, result);
  }

  // What the role cannot call is left out: the new-rule form, the tester, the menu (or its save and publish).
  const may = { create: can('POST /admin/autoreply-rules'), try: can('POST /admin/autoreply-rules/try'), menu: can('GET /admin/menu') };
  void loadRules();
  if (may.create) renderForm(null);
  if (may.try) renderTry();
  if (may.menu)
    void api
      .menu()
      .then((stored) => menuEditor(menuCard, account, stored))
      .catch((err) =>
        err instanceof ApiError && err.status === 404
          ? menuEditor(menuCard, account, null)
          : menuCard.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))),
      );
  return h(
    'div',
    { class: 'page autoreplies' },
    h('h1', {}, t('navAutoreplies')),
    may.create ? null : readOnlyNote(),
    rulesCard,
    may.try ? tryCard : null,
    may.create ? formCard : null,
    may.menu ? menuCard : null,
  );
}

type Top = MenuDefinition['button'][number];
type Leaf = Exclude<Top, { sub_button: unknown }>;
type Sub = Extract<Top, { sub_button: unknown }>['sub_button'][number];
const TOP_NAME = 16;
const SUB_NAME = 60;
const KEY = 128;
const MAX_TOP = 3;
const MAX_SUB = 5;

/** The menu: an editor beside a phone-shaped preview; WeChat's limits checked as you type; save, then publish. */
function menuEditor(card: HTMLElement, account: AccountInfo, stored: StoredMenu | null, statusText = '', draft?: MenuDefinition) {
  // Publishing sends the saved menu: with unsaved edits, save first.
  const dirty = draft !== undefined;
  const at = (iso: string) => timeIn(account.timeZone, iso, lang() === 'zh' ? 'zh-CN' : 'en');
  const menu: MenuDefinition = draft ?? structuredClone(stored?.menu ?? { button: [{ type: 'click', name: '', key: '' }] });
  const checks: { path: string; input: HTMLInputElement; error: HTMLElement; check: () => string | null }[] = [];
  const preview = h('div', { class: 'phone', role: 'img', 'aria-label': t('menuPreview') });
  const formError = h('p', { class: 'error', role: 'alert' });
  const status = h('p', { class: 'status', role: 'status' }, statusText);
  const rerender = (msg = '') => menuEditor(card, account, stored, msg, menu);

  function drawPreview() {
    preview.replaceChildren(
      h('div', { class: 'screen' }),
      h(
        'ul',
        { class: 'bar' },
        menu.button.map((b) =>
          h(
            'li',
            {},
            'sub_button' in b
              ? h(
                  'ul',
                  { class: 'subs' },
                  b.sub_button.map((s) => h('li', {}, s.name || '…')),
                )
              : null,
            h('span', { class: 'top' }, ('sub_button' in b ? '≡ ' : '') + (b.name || '…')),
          ),
        ),
      ),
    );
  }

  function textField(path: string, label: string, value: string, limit: number, set: (v: string) => void, kind: 'text' | 'url' = 'text') {
    const input = h('input', { type: kind, value, required: true, 'data-path': path });
    const f = field(label, input);
    const check = () => {
      const len = bytes(input.value);
      return !input.value ? t('required') : len > limit ? t('tooManyBytes', { n: limit, len }) : null;
    };
    input.addEventListener('input', () => {
      set(input.value);
      markDirty();
      setError(input, f.error, check());
      drawPreview();
    });
    checks.push({ path, input, error: f.error, check });
    return f.wrap;
  }

  function leafFields(path: string, b: Leaf | Sub, label: string, nameLimit: number, replace: (next: Leaf | Sub) => void) {
    const type = h('select', { 'data-path': `${path}.type` });
    const known = b.type === 'click' || b.type === 'view';
    for (const k of ['click', 'view'] as const) type.append(h('option', { value: k, selected: b.type === k }, t(`btype_${k}`)));
    if (!known) type.append(h('option', { value: b.type, selected: true }, t('btype_other', { type: b.type })));
    type.addEventListener('change', () => {
      replace(type.value === 'view' ? { type: 'view', name: b.name, url: 'https://' } : { type: 'click', name: b.name, key: '' });
      rerender();
    });
    return [
      textField(`${path}.name`, `${t('buttonName')}（${label}）`, b.name, nameLimit, (v) => (b.name = v)),
      field(`${t('buttonType')}（${label}）`, type).wrap,
      'key' in b ? textField(`${path}.key`, `${t('buttonKey')}（${label}）`, b.key, KEY, (v) => (b.key = v)) : null,
      'url' in b ? textField(`${path}.url`, `${t('buttonUrl')}（${label}）`, b.url, 1024, (v) => (b.url = v), 'url') : null,
    ];
  }

  // A list keeps at least one button: the last one cannot be removed.
  const removeButton = (list: unknown[], index: number, name: string, cls?: string) =>
    h(
      'button',
      {
        type: 'button',
        ...(cls ? { class: cls } : {}),
        'aria-label': t('removeButtonLabel', { name }),
        disabled: list.length <= 1,
        onclick: () => {
          list.splice(index, 1);
          rerender();
        },
      },
      t('delete'),
    );
  const groups = menu.button.map((b, i) => {
    const label = t('topButtonN', { n: i + 1 });
    const path = `button.${i}`;
    const remove = removeButton(menu.button, i, b.name || label);
    const addSub = h(
      'button',
      {
        type: 'button',
        disabled: 'sub_button' in b && b.sub_button.length >= MAX_SUB,
        onclick: () => {
          if ('sub_button' in b) b.sub_button.push({ type: 'click', name: '', key: '' });
          else menu.button[i] = { name: b.name, sub_button: [{ ...b }] };
          rerender();
        },
      },
      t('addSubButton'),
    );
    if (!('sub_button' in b)) {
      return h(
        'fieldset',
        { class: 'menu-button', 'data-button': i },
        h('legend', {}, label),
        h(
          'div',
          { class: 'row' },
          leafFields(path, b, label, TOP_NAME, (next) => (menu.button[i] = next as Leaf)),
        ),
        h('div', { class: 'buttons' }, addSub, remove),
      );
    }
    const subs = b.sub_button.map((s, j) => {
      const subLabel = t('subButtonN', { n: i + 1, m: j + 1 });
      return h(
        'div',
        { class: 'row sub', 'data-sub': j },
        leafFields(`${path}.sub_button.${j}`, s, subLabel, SUB_NAME, (next) => (b.sub_button[j] = next as Sub)),
        removeButton(b.sub_button, j, s.name || subLabel, 'remove-sub'),
      );
    });
    return h(
      'fieldset',
      { class: 'menu-button', 'data-button': i },
      h('legend', {}, label),
      h(
        'div',
        { class: 'row' },
        textField(`${path}.name`, `${t('buttonName')}（${label}）`, b.name, TOP_NAME, (v) => (b.name = v)),
      ),
      subs,
      h('div', { class: 'buttons' }, addSub, remove),
    );
  });

  const addTop = h(
    'button',
    {
      type: 'button',
      disabled: menu.button.length >= MAX_TOP,
      onclick: () => {
        menu.button.push({ type: 'click', name: '', key: '' });
        rerender();
      },
    },
    t('addTopButton'),
  );
  const save = h('button', { type: 'submit', class: 'primary' }, t('saveMenu'));
  const publish = h('button', { type: 'button', disabled: !stored || dirty, 'aria-describedby': 'publish-hint' }, t('publishMenu'));
  const publishHint = h('p', { class: 'hint', id: 'publish-hint' }, t('publishSavedOnly'));
  const markDirty = () => (publish.disabled = true);
  const times = h(
    'p',
    { class: 'hint', 'data-menu-times': '' },
    stored
      ? `${t('menuUpdatedAt', { at: at(stored.updatedAt) })} · ${stored.publishedAt ? t('menuPublishedAt', { at: at(stored.publishedAt) }) : t('menuNeverPublished')}`
      : t('noMenu'),
  );
  // A role that may read the menu but not save it sees it in disabled fields, without the buttons.
  const mayEdit = can('PUT /admin/menu');
  const form = h(
    'form',
    { class: 'campaign-form menu-form', novalidate: true },
    mayEdit ? groups : h('fieldset', { class: 'read-only-fields', disabled: true }, h('legend', { class: 'visually-hidden' }, t('menuTitle')), groups),
    mayEdit ? h('div', { class: 'buttons' }, addTop, save, can('POST /admin/menu/publish') ? publish : null) : readOnlyNote(),
    mayEdit ? publishHint : null,
    formError,
    status,
  );

  const clearErrors = () => {
    formError.textContent = '';
    status.textContent = '';
    for (const c of checks) setError(c.input, c.error, null);
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    const bad = checks.map((c) => ({ c, msg: c.check() })).filter((x) => x.msg);
    for (const { c, msg } of bad) setError(c.input, c.error, msg);
    if (bad.length) {
      formError.textContent = t('fixFirst');
      return void bad[0]!.c.input.focus();
    }
    const body: MenuBody = menu;
    try {
      const saved = await api.saveMenu(body);
      menuEditor(card, account, saved, t('menuSaved'));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = errorText(err);
        return;
      }
      let placed = 0;
      for (const issue of err.issues) {
        const c = checks.find((x) => x.path === issue.path);
        if (!c) continue;
        setError(c.input, c.error, issue.message);
        if (!placed++) c.input.focus();
      }
      if (placed < err.issues.length || !err.issues.length) formError.textContent = err.message;
    }
  });
  publish.addEventListener('click', async () => {
    clearErrors();
    try {
      await api.publishMenu();
      const fresh = await api.menu();
      menuEditor(card, account, fresh, t('menuPublished'));
    } catch (err) {
      formError.textContent = errorText(err);
    }
  });

  drawPreview();
  card.replaceChildren(
    h('h2', { id: 'menu-title' }, t('menuTitle')),
    h('p', { class: 'hint' }, t('menuHint')),
    times,
    h('div', { class: 'menu-layout' }, preview, form),
  );
}
