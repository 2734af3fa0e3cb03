import { api, ApiError, errorText } from './api';
import { field, h, setError, uid } from './dom';
import { t, type Key, locale } from './i18n';
import type { ApiIssue, SegmentBody } from './types';

/**
 * The segment editor every form uses (members, broadcasts, campaigns, re-engagement): edits a
 * segment of the CRM filter language and shows how many members it selects, live, from
 * POST /admin/segments/preview. `showIssues` places the API's refusals (paths inside the segment).
 */
export interface SegmentEditor {
  element: HTMLElement;
  value(): SegmentBody;
  set(segment: SegmentBody): void;
  showIssues(issues: ApiIssue[]): void;
  /** Where focus should go after showIssues (it does not move focus itself). */
  refusedControl(): HTMLElement | undefined;
}

/*
 * What the visual editor shows: "match all / any of" a list of rows; a row is one condition or one
 * group of conditions (any-within-all), either of them negated. A condition is one leaf of the
 * language. Anything else (deeper nesting, a key the editor does not know) is edited as JSON.
 */
type Mode = 'all' | 'any';
type Leaf = Exclude<SegmentBody, { all: SegmentBody[] } | { any: SegmentBody[] } | { not: SegmentBody }>;
type Kind = Leaf extends infer L ? (L extends unknown ? keyof L : never) : never;
type Range = { gte?: number; lte?: number };
interface Condition {
  not: boolean;
  leaf: Leaf;
}
type Row = Condition | { not: boolean; group: { mode: Mode; items: Condition[] } };
interface Model {
  mode: Mode;
  rows: Row[];
}

const FOCUSABLE = 'input, select, textarea, button';
const KINDS: readonly Kind[] = ['tag', 'level', 'subscribed', 'dormantDays', 'pointsBalance', 'birthdayMonth', 'region', 'source', 'purchaseCategory'];
const TEXT_MAX: Partial<Record<Kind, number>> = { tag: 32, source: 64, region: 32, purchaseCategory: 32 };
const DEFAULTS: { [K in Kind]: Leaf } = {
  tag: { tag: '' },
  level: { level: { in: [] } },
  subscribed: { subscribed: true },
  dormantDays: { dormantDays: { gte: 30 } },
  pointsBalance: { pointsBalance: { gte: 100 } },
  birthdayMonth: { birthdayMonth: { in: [] } },
  region: { region: '' },
  source: { source: '' },
  purchaseCategory: { purchaseCategory: '' },
};
const kindOf = (leaf: Leaf) => Object.keys(leaf)[0] as Kind;
const kindLabel = (k: Kind) => t(`segKind_${k}` as Key);

// — reading a segment into the model (null: the visual editor cannot show it) —

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKey = (v: unknown): string | undefined => (isObject(v) && Object.keys(v).length === 1 ? Object.keys(v)[0] : undefined);
const isRange = (v: unknown) => isObject(v) && Object.entries(v).every(([k, n]) => (k === 'gte' || k === 'lte') && Number.isFinite(n));
const isList = (v: unknown, item: (x: unknown) => boolean) =>
  onlyKey(v) === 'in' && Array.isArray((v as { in: unknown }).in) && (v as { in: unknown[] }).in.every(item);

function leafOf(s: unknown): Leaf | null {
  const k = onlyKey(s);
  const v = k === undefined ? undefined : (s as Record<string, unknown>)[k];
  const ok =
    k === 'tag' || k === 'source' || k === 'region' || k === 'purchaseCategory'
      ? typeof v === 'string'
      : k === 'subscribed'
        ? typeof v === 'boolean'
        : k === 'dormantDays' || k === 'pointsBalance'
          ? isRange(v)
          : k === 'level'
            ? isList(v, (x) => typeof x === 'string')
            : k === 'birthdayMonth'
              ? isList(v, (x) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 12)
              : false;
  return ok ? (s as Leaf) : null;
}

function unNot(s: unknown): { not: boolean; inner: unknown } {
  return onlyKey(s) === 'not' ? { not: true, inner: (s as { not: unknown }).not } : { not: false, inner: s };
}

function conditionOf(s: unknown): Condition | null {
  const { not, inner } = unNot(s);
  const leaf = leafOf(inner);
  return leaf ? { not, leaf } : null;
}

function listOf(s: unknown): { mode: Mode; items: unknown[] } | null {
  const k = onlyKey(s);
  const items = k === 'all' || k === 'any' ? (s as Record<string, unknown>)[k] : undefined;
  return Array.isArray(items) ? { mode: k as Mode, items } : null;
}

function rowOf(s: unknown): Row | null {
  const condition = conditionOf(s);
  if (condition) return condition;
  const { not, inner } = unNot(s);
  const list = listOf(inner);
  if (!list) return null;
  const items = list.items.map(conditionOf);
  return items.every((c): c is Condition => c !== null) ? { not, group: { mode: list.mode, items } } : null;
}

function modelOf(s: unknown): Model | null {
  const list = listOf(s);
  if (!list) {
    const row = rowOf(s);
    return row ? { mode: 'all', rows: [row] } : null;
  }
  const rows = list.items.map(rowOf);
  return rows.every((r): r is Row => r !== null) ? { mode: list.mode, rows } : null;
}

// — the rows —

/** Where the API's refusal of one part of the segment is shown. */
interface IssueTarget {
  path: string[];
  show(rest: string[], message: string): void;
}

interface Built {
  segment: SegmentBody;
  incomplete: boolean;
}

interface RowView {
  element: HTMLElement;
  build(path: string[], targets: IssueTarget[]): Built;
  clearIssues(): void;
  focus(): void;
  /** `n` is the row's number: "2", or "3.1" inside group 3. */
  renumber(n: string): void;
}

interface Context {
  levels: Promise<string[]>;
  changed(): void;
}

/** A row's segment, negated or not, and the path of what it wraps (issues name `…not.tag`). */
const wrapNot = (not: boolean, segment: SegmentBody, path: string[]) => (not ? { segment: { not: segment }, path: [...path, 'not'] } : { segment, path });
const insideNot = (not: boolean, path: string[]) => (not ? [...path, 'not'] : path);

/** A field's input and the place for its error. */
type Slot = { input: HTMLElement; error: HTMLElement };

/** The inputs of one kind of condition: reads them back into a leaf, and says which input an issue names. */
interface ValueView {
  element: HTMLElement;
  read(): Leaf;
  incomplete(): boolean;
  slot(rest: string[]): Slot;
  slots: Slot[];
}

function textValue(kind: Kind, value: string): ValueView {
  const input = h('input', { type: 'text', value, maxlength: TEXT_MAX[kind] ?? 64, autocomplete: 'off', spellcheck: 'false', required: true });
  const f = field(kindLabel(kind), input);
  const slot = { input, error: f.error };
  return { element: f.wrap, read: () => ({ [kind]: input.value.trim() }) as Leaf, incomplete: () => !input.value.trim(), slot: () => slot, slots: [slot] };
}

function rangeValue(kind: 'dormantDays' | 'pointsBalance', range: Range): ValueView {
  const number = (v: number | undefined) => h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', value: v ?? '' });
  const gte = number(range.gte);
  const lte = number(range.lte);
  const days = kind === 'dormantDays';
  const fg = field(t(days ? 'segDaysMin' : 'segMin'), gte);
  const fl = field(t(days ? 'segDaysMax' : 'segMax'), lte);
  const slots = [
    { input: gte, error: fg.error },
    { input: lte, error: fl.error },
  ];
  const read = (): Leaf => {
    const r: Range = {};
    if (gte.value !== '') r.gte = Number(gte.value);
    if (lte.value !== '') r.lte = Number(lte.value);
    return (kind === 'dormantDays' ? { dormantDays: r } : { pointsBalance: r }) as Leaf;
  };
  return {
    element: h('div', { class: 'seg-range' }, fg.wrap, fl.wrap),
    read,
    incomplete: () => gte.value === '' && lte.value === '',
    slot: (rest) => (rest[0] === 'lte' ? slots[1]! : slots[0]!),
    slots,
  };
}

function subscribedValue(value: boolean): ValueView {
  const select = h(
    'select',
    {},
    h('option', { value: 'true', selected: value }, t('segFollowing')),
    h('option', { value: 'false', selected: !value }, t('segUnfollowed')),
  );
  const f = field(t('segState'), select);
  const slot = { input: select, error: f.error };
  return { element: f.wrap, read: () => ({ subscribed: select.value === 'true' }), incomplete: () => false, slot: () => slot, slots: [slot] };
}

/** Checkboxes in a fieldset (levels, months); `options` may arrive later (levels come from the API). */
function checkboxValue<T extends string | number>(kind: 'level' | 'birthdayMonth', chosen: T[], options: Promise<{ value: T; label: string }[]>): ValueView {
  const selected = new Set<T>(chosen);
  const error = h('p', { class: 'field-error', id: uid('seg-error'), role: 'alert' });
  const boxes = h('div', { class: 'seg-checks' }, h('span', { class: 'hint' }, t('loading')));
  const set = h('fieldset', { class: 'seg-choices', 'aria-describedby': error.id }, h('legend', {}, kindLabel(kind)), boxes, error);
  void options.then((list) => {
    // A chosen value the list does not know (a level renamed since) still shows, to be unticked.
    const all = [...list, ...[...selected].filter((v) => !list.some((o) => o.value === v)).map((v) => ({ value: v, label: String(v) }))];
    boxes.replaceChildren(
      ...all.map((o) => {
        const box = h('input', { type: 'checkbox', value: String(o.value), checked: selected.has(o.value) });
        box.addEventListener('input', () => (box.checked ? selected.add(o.value) : selected.delete(o.value)));
        return h('label', { class: 'seg-check' }, box, o.label);
      }),
    );
  });
  const slot = { input: set, error };
  return {
    element: set,
    read: () => ({ [kind]: { in: [...selected] } }) as unknown as Leaf,
    incomplete: () => selected.size === 0,
    slot: () => slot,
    slots: [slot],
  };
}

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
function monthName(m: number) {
  return new Intl.DateTimeFormat(locale(), { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2000, m - 1, 1));
}

function valueView(leaf: Leaf, ctx: Context): ValueView {
  if ('level' in leaf)
    return checkboxValue(
      'level',
      leaf.level.in,
      ctx.levels.then((names) => names.map((n) => ({ value: n, label: n }))),
    );
  if ('birthdayMonth' in leaf)
    return checkboxValue('birthdayMonth', leaf.birthdayMonth.in, Promise.resolve(MONTHS.map((m) => ({ value: m, label: monthName(m) }))));
  if ('subscribed' in leaf) return subscribedValue(leaf.subscribed);
  if ('dormantDays' in leaf) return rangeValue('dormantDays', leaf.dormantDays);
  if ('pointsBalance' in leaf) return rangeValue('pointsBalance', leaf.pointsBalance);
  const kind = kindOf(leaf);
  return textValue(kind, String((leaf as Record<string, unknown>)[kind] ?? ''));
}

function notToggle(not: boolean): HTMLInputElement {
  return h('input', { type: 'checkbox', class: 'seg-not', checked: not });
}

function checkField(label: string, box: HTMLInputElement) {
  if (!box.id) box.id = uid('seg-not');
  const id = box.id;
  return h('div', { class: 'field check' }, h('label', { for: id }, label), box);
}

/** One condition: its kind, NOT, the kind's own inputs, and a remove button. */
function conditionRow(ctx: Context, initial: Condition, onRemove: (row: RowView) => void): RowView {
  const legend = h('legend', {});
  const kind = h(
    'select',
    {},
    KINDS.map((k) => h('option', { value: k, selected: k === kindOf(initial.leaf) }, kindLabel(k))),
  );
  const kindField = field(t('segKind'), kind);
  const not = notToggle(initial.not);
  let value = valueView(initial.leaf, ctx);
  const valueBox = h('div', { class: 'seg-value' }, value.element);
  // On the select itself, so the new inputs exist before the editor (listening further up) reads the row.
  kind.addEventListener('input', () => {
    value = valueView(DEFAULTS[kind.value as Kind], ctx);
    valueBox.replaceChildren(value.element);
  });
  const remove = h('button', { type: 'button', class: 'seg-remove' }, t('segRemove'));
  const element = h(
    'li',
    { class: 'seg-row' },
    h('fieldset', {}, legend, h('div', { class: 'seg-line' }, kindField.wrap, valueBox, checkField(t('segNot'), not), remove)),
  );
  const view: RowView = {
    element,
    build(path, targets) {
      const leaf = value.read();
      const shown = value;
      targets.push({
        path: [...insideNot(not.checked, path), kindOf(leaf)],
        show: (rest, message) => {
          const s = shown.slot(rest);
          setError(s.input, s.error, message);
        },
      });
      return { segment: wrapNot(not.checked, leaf, path).segment, incomplete: value.incomplete() };
    },
    clearIssues: () => {
      for (const s of value.slots) setError(s.input, s.error, null);
    },
    focus: () => kind.focus(),
    renumber(n) {
      const name = t('segCondition', { n });
      legend.textContent = name;
      remove.setAttribute('aria-label', t('segRemoveLabel', { name }));
    },
  };
  remove.addEventListener('click', () => onRemove(view));
  return view;
}

/** Shared by the editor and a group: a list of rows with add and remove that keeps focus sensible. */
function rowList(ctx: Context, number: (i: number) => string) {
  const list = h('ol', { class: 'seg-rows' });
  const rows: RowView[] = [];
  const renumber = () => {
    rows.forEach((r, i) => {
      r.renumber(number(i));
    });
  };
  return {
    list,
    rows,
    renumber,
    add(row: RowView, focus: boolean) {
      rows.push(row);
      list.append(row.element);
      renumber();
      if (focus) row.focus();
    },
    remove(row: RowView, fallback: () => void) {
      const i = rows.indexOf(row);
      if (i < 0) return;
      rows.splice(i, 1);
      row.element.remove();
      renumber();
      const next = rows[i] ?? rows[i - 1];
      if (next) next.focus();
      else fallback();
      ctx.changed();
    },
    clear() {
      rows.splice(0);
      list.replaceChildren();
    },
  };
}

/** One group of conditions inside the top list: "any of" (or "all of") its own rows, no deeper. */
function groupRow(ctx: Context, initial: { not: boolean; mode: Mode; items: Condition[] }, onRemove: (row: RowView) => void): RowView {
  const legend = h('legend', {});
  const mode = modeSelect(initial.mode, 'segGroupMatch');
  const not = notToggle(initial.not);
  let groupNumber = '';
  const inner = rowList(ctx, (i) => `${groupNumber}.${i + 1}`);
  const addInner = h('button', { type: 'button' }, t('segAddCondition'));
  const removeInner = (row: RowView) => inner.remove(row, () => addInner.focus());
  const add = (c: Condition, focus: boolean) => inner.add(conditionRow(ctx, c, removeInner), focus);
  addInner.addEventListener('click', () => {
    add({ not: false, leaf: DEFAULTS.tag }, true);
    ctx.changed();
  });
  for (const c of initial.items) add(c, false);
  const remove = h('button', { type: 'button', class: 'seg-remove' }, t('segRemove'));
  const groupError = h('p', { class: 'field-error', role: 'alert' });
  const element = h(
    'li',
    { class: 'seg-row seg-group' },
    h(
      'fieldset',
      {},
      legend,
      h('div', { class: 'seg-line' }, mode.wrap, checkField(t('segNot'), not), remove),
      inner.list,
      groupError,
      h('div', { class: 'seg-buttons' }, addInner),
    ),
  );
  const view: RowView = {
    element,
    build(path, targets) {
      const groupPath = [...insideNot(not.checked, path), mode.select.value];
      const built = inner.rows.map((r, i) => r.build([...groupPath, String(i)], targets));
      const group = (mode.select.value === 'any' ? { any: built.map((b) => b.segment) } : { all: built.map((b) => b.segment) }) as SegmentBody;
      targets.push({ path: groupPath, show: (_rest, message) => setError(mode.select, groupError, message) });
      return { segment: wrapNot(not.checked, group, path).segment, incomplete: built.length === 0 || built.some((b) => b.incomplete) };
    },
    clearIssues() {
      setError(mode.select, groupError, null);
      for (const r of inner.rows) r.clearIssues();
    },
    focus: () => mode.select.focus(),
    renumber(n) {
      groupNumber = n;
      const name = t('segGroup', { n });
      legend.textContent = name;
      remove.setAttribute('aria-label', t('segRemoveLabel', { name }));
      addInner.setAttribute('aria-label', t('segAddToGroup', { name }));
      inner.renumber();
    },
  };
  remove.addEventListener('click', () => onRemove(view));
  return view;
}

function modeSelect(mode: Mode, label: Key) {
  const select = h(
    'select',
    {},
    h('option', { value: 'all', selected: mode === 'all' }, t('segMatchAll')),
    h('option', { value: 'any', selected: mode === 'any' }, t('segMatchAny')),
  );
  return { select, ...field(t(label), select) };
}

/** Longest target whose path occurs in the issue's path (callers pass paths with or without their own prefix). */
function targetOf(targets: IssueTarget[], path: string[]): { target: IssueTarget; rest: string[] } | undefined {
  for (let start = 0; start < path.length; start++) {
    const found = targets.filter((tg) => tg.path.every((p, i) => path[start + i] === p)).sort((a, b) => b.path.length - a.path.length)[0];
    if (found) return { target: found, rest: path.slice(start + found.path.length) };
  }
  return undefined;
}

export function segmentEditor(opts: { legend: string; initial?: SegmentBody; onChange?: (segment: SegmentBody) => void }): SegmentEditor {
  const ctx: Context = {
    // Read once per editor: levels change rarely, and an editor lives as long as its page.
    levels: api.levels().then(
      (r) => r.levels.map((l) => l.name),
      () => [],
    ),
    changed,
  };
  const top = modeSelect('all', 'segMatch');
  const rows = rowList(ctx, (i) => String(i + 1));
  const addCondition = h('button', { type: 'button' }, t('segAddCondition'));
  const addGroup = h('button', { type: 'button' }, t('segAddGroup'));
  const removeRow = (row: RowView) => rows.remove(row, () => addCondition.focus());
  const rowFor = (r: Row): RowView => ('group' in r ? groupRow(ctx, { not: r.not, ...r.group }, removeRow) : conditionRow(ctx, r, removeRow));
  addCondition.addEventListener('click', () => {
    rows.add(rowFor({ not: false, leaf: DEFAULTS.tag }), true);
    changed();
  });
  addGroup.addEventListener('click', () => {
    rows.add(
      rowFor({
        not: false,
        group: {
          mode: 'any',
          items: [
            { not: false, leaf: DEFAULTS.tag },
            { not: false, leaf: DEFAULTS.tag },
          ],
        },
      }),
      true,
    );
    changed();
  });
  const general = h('p', { class: 'field-error seg-general', role: 'alert' });
  const visual = h('div', { class: 'seg-visual' }, top.wrap, rows.list, h('div', { class: 'seg-buttons' }, addCondition, addGroup));
  const tooComplex = h('p', { class: 'note', hidden: true }, t('segTooComplex'));

  const json = h('textarea', { rows: 6, spellcheck: 'false', class: 'seg-json' });
  const jsonField = field(t('segJson'), json);
  const details = h('details', { class: 'seg-advanced' }, h('summary', {}, t('segAdvanced')), jsonField.wrap);

  const count = h('p', { class: 'segment-count', role: 'status', 'aria-live': 'polite' });
  const sample = h('p', { class: 'hint seg-sample' });
  const element = h('fieldset', { class: 'segment-editor' }, h('legend', {}, opts.legend), visual, tooComplex, general, details, count, sample);

  /** JSON mode: the segment is what the textarea holds (the visual editor cannot show it). */
  let jsonSegment: SegmentBody | null = null;
  let targets: IssueTarget[] = [];

  function build(): Built {
    targets = [];
    if (jsonSegment) return { segment: jsonSegment, incomplete: false };
    const mode = top.select.value as Mode;
    if (rows.rows.length === 1) return rows.rows[0]!.build([], targets);
    const built = rows.rows.map((r, i) => r.build([mode, String(i)], targets));
    targets.push({ path: [mode], show: (_rest, message) => setError(top.select, general, message) });
    const segment = (mode === 'any' ? { any: built.map((b) => b.segment) } : { all: built.map((b) => b.segment) }) as SegmentBody;
    return { segment, incomplete: built.length === 0 || built.some((b) => b.incomplete) };
  }

  function clearIssues() {
    for (const r of rows.rows) r.clearIssues();
    setError(top.select, general, null);
    setError(json, jsonField.error, null);
  }

  function showIssues(issues: ApiIssue[]) {
    clearIssues();
    build();
    const unplaced: string[] = [];
    for (const issue of issues) {
      const found = jsonSegment ? undefined : targetOf(targets, issue.path.split('.').filter(Boolean));
      if (found) found.target.show(found.rest, issue.message);
      else unplaced.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
    if (!unplaced.length) return;
    // Not about one row: next to the JSON in JSON mode, under the editor (marking the "match" choice) otherwise.
    if (jsonSegment) setError(json, jsonField.error, unplaced.join('; '));
    else setError(top.select, general, unplaced.join('; '));
  }

  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function refreshCount(segment: SegmentBody) {
    const mine = ++asked;
    count.textContent = t('segCounting');
    try {
      const r = await api.previewSegment({ segment, sampleSize: 5 });
      if (mine !== asked) return;
      count.textContent = t('segmentCount', { n: r.count });
      sample.textContent = r.sample.length ? t('segSample', { list: r.sample.join(', ') }) : '';
    } catch (err) {
      if (mine !== asked) return;
      count.textContent = '';
      sample.textContent = '';
      showIssues(err instanceof ApiError && err.issues.length ? err.issues : [{ path: '', message: errorText(err) }]);
    }
  }

  /** The count follows every change, a moment after the typing stops; an unfinished condition is not sent. */
  function schedule(built: Built, delay: number) {
    clearTimeout(timer);
    asked++;
    if (built.incomplete) {
      count.textContent = rows.rows.length || jsonSegment ? t('segIncomplete') : t('segEmpty');
      sample.textContent = '';
      return;
    }
    timer = setTimeout(() => void refreshCount(built.segment), delay);
  }

  function changed() {
    clearIssues();
    const built = build();
    json.value = JSON.stringify(built.segment, null, 2);
    opts.onChange?.(built.segment);
    schedule(built, 300);
  }

  function showModel(model: Model) {
    jsonSegment = null;
    visual.hidden = false;
    tooComplex.hidden = true;
    top.select.value = model.mode;
    rows.clear();
    for (const r of model.rows) rows.add(rowFor(r), false);
  }

  function showJson(segment: SegmentBody) {
    jsonSegment = segment;
    visual.hidden = true;
    tooComplex.hidden = false;
    details.open = true;
  }

  visual.addEventListener('input', changed);
  json.addEventListener('input', () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.value);
    } catch {
      clearTimeout(timer);
      asked++;
      return setError(json, jsonField.error, t('segmentNotJson'));
    }
    // The visual rows follow the JSON when they can show it; the textarea keeps what was typed.
    const model = modelOf(parsed);
    if (model) showModel(model);
    else showJson(parsed as SegmentBody);
    clearIssues();
    const built = build();
    opts.onChange?.(built.segment);
    schedule(built, 300);
  });

  function set(segment: SegmentBody) {
    const model = modelOf(segment);
    if (model) showModel(model);
    else showJson(segment);
    clearIssues();
    const built = build();
    json.value = JSON.stringify(segment, null, 2);
    schedule(built, 0);
  }

  set(opts.initial ?? { subscribed: true });
  /** The first control a refusal marked (a refused level list marks its fieldset: its first box). */
  function refusedControl(): HTMLElement | undefined {
    const refused = element.querySelector<HTMLElement>('[aria-invalid="true"]') ?? element;
    return refused.matches(FOCUSABLE) ? refused : (refused.querySelector<HTMLElement>(FOCUSABLE) ?? undefined);
  }

  return { element, value: () => build().segment, set, showIssues, refusedControl };
}
