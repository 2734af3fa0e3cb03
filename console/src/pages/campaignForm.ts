import { api, ApiError } from '../api';
import { barChart } from '../chart';
import { addDays, dayIn } from '../dates';
import { field, h, setError } from '../dom';
import { placeIssues } from '../formErrors';
import { fenOf, yuan, yuanDigits } from '../money';
import { t, type Key } from '../i18n';
import { segmentEditor } from '../segmentEditor';
import { worstCase } from '../../../lib/redpacket/budget';
import type { AccountInfo, ApiIssue, CampaignBody, CampaignView, CouponTemplate, Level, SplitPreviewBody } from '../types';

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
type Config = CampaignView['config'];
type PayoutMode = CampaignBody['payout']['mode'];
type ValidUntil = NonNullable<NonNullable<CampaignBody['bestLuckPrize']>['validUntil']>;
type Round = CampaignBody['round'];

// Records over the server's own unions: a payout mode or prize validity added there breaks tsc here until it has a label.
const PAYOUT_MODES: Record<PayoutMode, Key> = { wallet: 'payout_wallet', transfer: 'payout_transfer', redpack: 'payout_redpack' };
const VALID_UNTIL: Record<ValidUntil, Key> = { endOfWeek: 'validEndOfWeek' };
const SEGMENT = 'eligibility.segment';

/** Yuan as typed → integer fen on the wire; an empty field goes as null so the server names it. */
const fen = (v: string) => (v.trim() === '' ? NaN : fenOf(v));
const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

interface Control {
  input: Input;
  wrap: HTMLElement;
  error: HTMLElement;
  /** A saved campaign's compliance warning about this field. */
  warn: HTMLElement;
}

export interface CampaignForm {
  element: HTMLElement;
  /** Loads a saved campaign into the form; saving then replaces it (PUT with the version read). */
  edit(c: CampaignView): void;
  /** A lifecycle action changed a campaign: keep the version of the one being edited, or drop it once closed. */
  changed(c: CampaignView): void;
}

/**
 * The campaign form: every field of the campaign schema (lib/redpacket/campaign.ts), money typed in
 * yuan and sent in fen, the eligibility segment in the shared segment editor, one multiplier per
 * level, the best-luck coupon from the templates, and a live split preview of the round. A 400 names
 * fields (the schema, WeChat's rules): each message lands under its field and focus moves to the first.
 */
export function campaignForm(opts: {
  account: AccountInfo;
  levels: Level[];
  templates: CouponTemplate[];
  onSaved: (c: CampaignView) => Promise<void>;
}): CampaignForm {
  const today = dayIn(opts.account.timeZone);
  // A new campaign starts from these: today for a week, a ten-minute lunch round of ¥20 in 20 packets.
  const blank = (): Config => ({
    name: '',
    trigger: { keywords: ['红包'], menuKey: 'REDPACKET' },
    schedule: { timezone: opts.account.timeZone, daily: { start: '11:30', end: '11:40' }, from: today, to: addDays(today, 6) },
    round: { packets: 20, totalFen: 2000, split: 'lucky', minFen: 10, maxFen: 500 },
    eligibility: { perMemberPerRound: 1, perMemberPerDay: 1 },
    levelMultipliers: {},
    payout: { mode: 'wallet' },
  });
  const controls = new Map<string, Control>();
  function control(path: string, label: string, input: Input, hint?: string): HTMLElement {
    const f = field(label, input, hint);
    const warn = h('p', { class: 'field-warning' });
    f.wrap.append(warn);
    controls.set(path, { input, wrap: f.wrap, error: f.error, warn });
    return f.wrap;
  }
  const input = (path: string) => controls.get(path)!.input;
  const value = (path: string) => input(path).value.trim();
  const option = (v: string, label: string) => h('option', { value: v }, label);

  // The zone of the campaign being edited (one made through the API may have its own), else the account's.
  let timezone = opts.account.timeZone;
  const zoneHint = h('p', { class: 'hint' });
  const showZone = () => (zoneHint.textContent = t('scheduleInZone', { tz: timezone }));

  const basics = h(
    'fieldset',
    {},
    h('legend', {}, t('basics')),
    h(
      'div',
      { class: 'row' },
      control('name', t('campaignName'), h('input', { type: 'text', name: 'name', maxlength: 64, required: true })),
      // The hint repeats PAYOUT_LIMITS (lib/redpacket/campaignRecord.ts) in words; the server judges them.
      control(
        'payout.mode',
        t('payoutMode'),
        h(
          'select',
          { name: 'payout' },
          (Object.keys(PAYOUT_MODES) as PayoutMode[]).map((m) => option(m, t(PAYOUT_MODES[m]))),
        ),
        t('payoutLimits'),
      ),
      control('mechanics.type', t('mechanicsType'), h('input', { type: 'text', name: 'mechanics', maxlength: 32 }), t('mechanicsHint')),
    ),
    h('div', { class: 'row' }, control('description', t('description'), h('textarea', { name: 'description', rows: 2, maxlength: 500 }), t('optional'))),
  );
  const trigger = h(
    'fieldset',
    {},
    h('legend', {}, t('trigger')),
    h(
      'div',
      { class: 'row' },
      control('trigger.keywords', t('keywords'), h('input', { type: 'text', name: 'keywords' }), t('keywordsHint')),
      control('trigger.menuKey', t('menuKey'), h('input', { type: 'text', name: 'menuKey', pattern: '[A-Z][A-Z0-9_]*' })),
      control('trigger.event', t('triggerEvent'), h('select', { name: 'event' }, option('', t('eventNone')), option('subscribe', t('eventSubscribe')))),
    ),
  );
  const schedule = h(
    'fieldset',
    {},
    h('legend', {}, t('schedule')),
    zoneHint,
    h(
      'div',
      { class: 'row' },
      control('schedule.from', t('from'), h('input', { type: 'date', name: 'from', required: true })),
      control('schedule.to', t('to'), h('input', { type: 'date', name: 'to', required: true })),
      control(
        'schedule.daily.start',
        t('dailyStart'),
        h('input', { type: 'time', name: 'start', required: true }),
        `${t('inAccountZone')} (${opts.account.timeZone})`,
      ),
      control('schedule.daily.end', t('dailyEnd'), h('input', { type: 'time', name: 'end', required: true })),
    ),
  );
  const preview = h('div', { class: 'split-preview', role: 'status', 'aria-live': 'polite' });
  const round = h(
    'fieldset',
    { 'data-group': 'round' },
    h('legend', {}, t('round')),
    h(
      'div',
      { class: 'row' },
      control('round.packets', t('packets'), h('input', { type: 'number', name: 'packets', min: 1, max: 10000, step: 1, required: true })),
      control('round.totalFen', t('totalYuan'), h('input', { type: 'number', name: 'total', min: 0.01, step: 0.01, required: true })),
      control('round.split', t('split'), h('select', { name: 'split' }, option('lucky', t('splitLucky')), option('equal', t('splitEqual')))),
      control('round.minFen', t('minYuan'), h('input', { type: 'number', name: 'min', min: 0.01, step: 0.01, required: true })),
      control('round.maxFen', t('maxYuan'), h('input', { type: 'number', name: 'max', min: 0.01, step: 0.01, required: true })),
    ),
    preview,
  );

  // Eligibility: the segment is optional (unset: every follower); the editor is the shared one.
  const segment = segmentEditor({ legend: t('eligibleSegment') });
  const segmentBox = h('div', { class: 'segment-box', 'data-field': SEGMENT }, segment.element);
  const restrict = h('input', { type: 'checkbox', name: 'restrict' });
  const restrictField = field(t('restrictToSegment'), restrict);
  restrictField.wrap.classList.add('check');
  const showSegment = () => (segmentBox.hidden = !restrict.checked);
  restrict.addEventListener('change', showSegment);
  const eligibility = h(
    'fieldset',
    {},
    h('legend', {}, t('eligibility')),
    h('div', { class: 'row' }, restrictField.wrap),
    segmentBox,
    h(
      'div',
      { class: 'row' },
      control(
        'eligibility.perMemberPerRound',
        t('perMemberPerRound'),
        h('input', { type: 'number', name: 'perRound', min: 1, max: 10, step: 1, required: true }),
      ),
      control(
        'eligibility.perMemberPerDay',
        t('perMemberPerDay'),
        h('input', { type: 'number', name: 'perDay', min: 1, max: 10, step: 1, required: true }),
        t('perMemberPerDayHint'),
      ),
    ),
  );

  // One multiplier per level (GET /admin/levels); empty means the level's own red-packet multiplier.
  // No min/max on these inputs: the schema's range (1–10) is said in the hint and judged by the server.
  const multiplierRow = h('div', { class: 'row' });
  function setLevels(names: string[]) {
    for (const key of [...controls.keys()]) if (key.startsWith('levelMultipliers.')) controls.delete(key);
    multiplierRow.replaceChildren(
      ...names.map((name) => {
        const own = opts.levels.find((l) => l.name === name);
        const hint = own ? t('multiplierHint', { n: own.benefits.redPacketMultiplier }) : t('levelGone');
        return control(
          `levelMultipliers.${name}`,
          t('levelMultiplier', { level: name }),
          h('input', { type: 'number', name: `multiplier-${name}`, step: 0.1, inputmode: 'decimal' }),
          hint,
        );
      }),
    );
  }
  setLevels(opts.levels.map((l) => l.name));
  const multipliers = h('fieldset', {}, h('legend', {}, t('levelMultipliers')), h('p', { class: 'hint' }, t('levelMultipliersHint')), multiplierRow);

  const prize = h(
    'fieldset',
    {},
    h('legend', {}, t('bestLuckPrize')),
    h(
      'div',
      { class: 'row' },
      control(
        'bestLuckPrize.couponTemplateId',
        t('bestLuckCoupon'),
        h(
          'select',
          { name: 'prize' },
          option('', t('noPrize')),
          opts.templates.map((c) => option(c.id, `${c.title} (${c.id})`)),
        ),
      ),
      control(
        'bestLuckPrize.validUntil',
        t('prizeValidUntil'),
        h(
          'select',
          { name: 'validUntil' },
          (Object.keys(VALID_UNTIL) as ValidUntil[]).map((v) => option(v, t(VALID_UNTIL[v]))),
        ),
      ),
      control(
        'bestLuckPrize.noticeTemplateId',
        t('prizeNoticeTemplate'),
        h('input', { type: 'text', name: 'noticeTemplateId', maxlength: 128 }),
        t('prizeNoticeHint'),
      ),
      control('bestLuckPrize.valueFen', t('prizeValue'), h('input', { type: 'number', name: 'prizeValue', min: 0, step: 0.01 }), t('prizeValueHint')),
    ),
  );
  // A coupon with an amount says what the prize is worth; another kind (a free dish) needs the marketer's figure.
  input('bestLuckPrize.couponTemplateId').addEventListener('change', () => {
    const v = opts.templates.find((c) => c.id === value('bestLuckPrize.couponTemplateId'))?.value;
    input('bestLuckPrize.valueFen').value = v?.type === 'amount' ? yuanDigits(v.fen) : '';
  });

  // The budget cap, and what the campaign can cost at worst as typed (budget.ts, the same code the server approves with).
  const worst = h('div', { class: 'worst-case', role: 'status', 'aria-live': 'polite' });
  const budget = h(
    'fieldset',
    { 'data-group': 'budget' },
    h('legend', {}, t('budgetCap')),
    h('p', { class: 'hint' }, t('budgetCapHint')),
    h(
      'div',
      { class: 'row' },
      control(
        'budget.maxFenPerRound',
        t('maxFenPerRound'),
        h('input', { type: 'number', name: 'maxFenPerRound', min: 0.01, step: 0.01 }),
        t('maxFenPerRoundHint'),
      ),
      control('budget.maxFenTotal', t('maxFenTotal'), h('input', { type: 'number', name: 'maxFenTotal', min: 0.01, step: 0.01 }), t('maxFenTotalHint')),
    ),
    worst,
  );
  const notices = h(
    'fieldset',
    {},
    h('legend', {}, t('campaignNotices')),
    h('div', { class: 'row' }, control('notices', t('noticeTexts'), h('textarea', { name: 'notices', rows: 2 }), t('noticeTextsHint'))),
  );

  const title = h('h2', { id: 'campaign-form-title' }, t('newCampaign'));
  const submit = h('button', { type: 'submit', class: 'primary' }, t('saveDraft'));
  const newOne = h('button', { type: 'button', hidden: true, onclick: () => reset() }, t('newCampaignButton'));
  const formError = h('p', { class: 'error', role: 'alert' });
  const formWarnings = h('ul', { class: 'warnings' });
  const status = h('p', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'card campaign-form', 'aria-labelledby': 'campaign-form-title' },
    title,
    basics,
    trigger,
    schedule,
    round,
    eligibility,
    multipliers,
    prize,
    budget,
    notices,
    h('div', { class: 'buttons' }, submit, newOne),
    formError,
    formWarnings,
    status,
  );

  let editing: { id: string; version: number } | undefined;

  function roundBody(): Round {
    return {
      packets: num(value('round.packets')),
      totalFen: fen(value('round.totalFen')),
      split: value('round.split') === 'equal' ? 'equal' : 'lucky',
      minFen: fen(value('round.minFen')),
      maxFen: fen(value('round.maxFen')),
    };
  }

  function multipliersTyped(): Record<string, number> {
    const levelMultipliers: Record<string, number> = {};
    for (const [path, c] of controls)
      if (path.startsWith('levelMultipliers.') && c.input.value.trim() !== '') levelMultipliers[path.slice('levelMultipliers.'.length)] = num(c.input.value);
    return levelMultipliers;
  }

  /** The budget fields as typed; a field left empty is left out (the server derives it). */
  function budgetTyped(): NonNullable<CampaignBody['budget']> {
    const caps = { maxFenPerRound: value('budget.maxFenPerRound'), maxFenTotal: value('budget.maxFenTotal') };
    return Object.fromEntries(
      Object.entries(caps)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, fen(v)]),
    );
  }

  function body(): CampaignBody {
    const keywords = value('trigger.keywords')
      .split(/[,，\s]+/)
      .filter(Boolean);
    const levelMultipliers = multipliersTyped();
    const noticeLines = value('notices')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const couponTemplateId = value('bestLuckPrize.couponTemplateId');
    const prizeValue = value('bestLuckPrize.valueFen');
    const budget = budgetTyped();
    return {
      name: value('name'),
      ...(value('description') ? { description: value('description') } : {}),
      trigger: {
        ...(keywords.length ? { keywords } : {}),
        ...(value('trigger.menuKey') ? { menuKey: value('trigger.menuKey') } : {}),
        ...(value('trigger.event') ? { event: value('trigger.event') } : {}),
      },
      schedule: {
        timezone,
        daily: { start: value('schedule.daily.start'), end: value('schedule.daily.end') },
        from: value('schedule.from'),
        to: value('schedule.to'),
      },
      round: roundBody(),
      eligibility: {
        ...(restrict.checked ? { segment: segment.value() } : {}),
        perMemberPerRound: num(value('eligibility.perMemberPerRound')),
        perMemberPerDay: num(value('eligibility.perMemberPerDay')),
      },
      levelMultipliers,
      ...(couponTemplateId
        ? {
            bestLuckPrize: {
              couponTemplateId,
              validUntil: value('bestLuckPrize.validUntil') as ValidUntil,
              ...(value('bestLuckPrize.noticeTemplateId') ? { noticeTemplateId: value('bestLuckPrize.noticeTemplateId') } : {}),
              ...(prizeValue !== '' ? { valueFen: fen(prizeValue) } : {}),
            },
          }
        : {}),
      payout: { mode: value('payout.mode') as PayoutMode },
      ...(Object.keys(budget).length ? { budget } : {}),
      ...(value('mechanics.type') ? { mechanics: { type: value('mechanics.type') } } : {}),
      // One notice text per line, `key=text` (the key names the notice, e.g. prizeWon).
      ...(noticeLines.length ? { notices: Object.fromEntries(noticeLines.map((l) => [l.split('=')[0]!.trim(), l.slice(l.indexOf('=') + 1).trim()])) } : {}),
    };
  }

  function fill(c: Config) {
    const set = (path: string, v: string | number | undefined) => (input(path).value = v === undefined ? '' : String(v));
    set('name', c.name);
    set('description', c.description);
    set('payout.mode', c.payout.mode);
    set('mechanics.type', c.mechanics?.type);
    set('trigger.keywords', (c.trigger.keywords ?? []).join(', '));
    set('trigger.menuKey', c.trigger.menuKey);
    set('trigger.event', c.trigger.event);
    timezone = c.schedule.timezone;
    set('schedule.from', c.schedule.from);
    set('schedule.to', c.schedule.to);
    set('schedule.daily.start', c.schedule.daily.start);
    set('schedule.daily.end', c.schedule.daily.end);
    set('round.packets', c.round.packets);
    set('round.totalFen', yuanDigits(c.round.totalFen));
    set('round.split', c.round.split);
    set('round.minFen', yuanDigits(c.round.minFen));
    set('round.maxFen', yuanDigits(c.round.maxFen));
    restrict.checked = c.eligibility.segment !== undefined;
    segment.set(c.eligibility.segment ?? { subscribed: true });
    set('eligibility.perMemberPerRound', c.eligibility.perMemberPerRound);
    set('eligibility.perMemberPerDay', c.eligibility.perMemberPerDay);
    // Levels of the table first, then any the campaign names that the table no longer has.
    setLevels([...new Set([...opts.levels.map((l) => l.name), ...Object.keys(c.levelMultipliers)])]);
    for (const [level, m] of Object.entries(c.levelMultipliers)) set(`levelMultipliers.${level}`, m);
    const coupon = input('bestLuckPrize.couponTemplateId');
    // A template deleted since stays selectable, so saving does not drop the prize unasked.
    if (c.bestLuckPrize && !Array.from(coupon.querySelectorAll('option'), (o) => o.value).includes(c.bestLuckPrize.couponTemplateId))
      coupon.append(option(c.bestLuckPrize.couponTemplateId, c.bestLuckPrize.couponTemplateId));
    set('bestLuckPrize.couponTemplateId', c.bestLuckPrize?.couponTemplateId);
    set('bestLuckPrize.validUntil', c.bestLuckPrize?.validUntil ?? 'endOfWeek');
    set('bestLuckPrize.noticeTemplateId', c.bestLuckPrize?.noticeTemplateId);
    set('bestLuckPrize.valueFen', c.bestLuckPrize?.valueFen === undefined ? undefined : yuanDigits(c.bestLuckPrize.valueFen));
    set('budget.maxFenPerRound', c.budget?.maxFenPerRound === undefined ? undefined : yuanDigits(c.budget.maxFenPerRound));
    set('budget.maxFenTotal', c.budget?.maxFenTotal === undefined ? undefined : yuanDigits(c.budget.maxFenTotal));
    set(
      'notices',
      Object.entries(c.notices ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    showSegment();
    showZone();
    showWorstCase();
  }

  /** Shares + the most bonus the levels can ask for within the cap + prize, per round and for every day of the campaign. */
  function showWorstCase() {
    const prizeValue = value('bestLuckPrize.couponTemplateId') && value('bestLuckPrize.valueFen') !== '' ? fen(value('bestLuckPrize.valueFen')) : 0;
    const budget = budgetTyped();
    const c = {
      round: roundBody(),
      schedule: { from: value('schedule.from'), to: value('schedule.to') },
      levelMultipliers: Object.fromEntries(Object.entries(multipliersTyped()).filter(([, m]) => Number.isFinite(m))),
      bestLuckPrize: { valueFen: prizeValue },
      payout: { mode: value('payout.mode') as PayoutMode },
      budget,
    };
    const known = [c.round.totalFen, c.round.packets, prizeValue, ...Object.values(budget)].every(Number.isFinite) && c.schedule.from && c.schedule.to;
    if (!known) return void worst.replaceChildren(h('p', { class: 'hint' }, t('worstUnknown')));
    const w = worstCase(c, opts.levels);
    worst.replaceChildren(
      h('h4', {}, t('worstCase')),
      h(
        'p',
        { class: 'worst-round', 'data-fen': w.perRoundFen },
        t('worstPerRound', { worst: yuan(w.perRoundFen), shares: yuan(w.sharesFen), bonus: yuan(w.bonusRoomFen), prize: yuan(w.prizeFen) }),
      ),
      w.maxBonusFen > w.bonusRoomFen ? h('p', { class: 'worst-cut' }, t('worstBonusCut', { max: yuan(w.maxBonusFen) })) : '',
      h(
        'p',
        { class: 'worst-campaign', 'data-fen': w.campaignFen },
        t('worstCampaign', { worst: yuan(w.campaignFen), days: w.days, perRound: yuan(w.perRoundFen), total: yuan(w.maxFenTotal) }),
      ),
    );
  }

  /** The field an issue's path names: itself, the nearest field above it (`trigger.keywords.0`), or the first field inside it (`trigger`). */
  function controlOf(path: string): string | undefined {
    if (path === SEGMENT || path.startsWith(`${SEGMENT}.`)) return SEGMENT;
    const alias: Record<string, string> = { schedule: 'schedule.to', 'schedule.daily': 'schedule.daily.end' };
    if (alias[path]) return alias[path];
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') if (controls.has(p)) return p;
    return [...controls.keys()].find((k) => k.startsWith(`${path}.`));
  }

  function showIssues(issues: ApiIssue[]): ApiIssue[] {
    return placeIssues(issues, controlOf, (path, own) => {
      if (path === SEGMENT) {
        restrict.checked = true;
        showSegment();
        // Paths inside the segment, as the segment editor's contract takes them (e.g. `all.1.level.in`).
        segment.showIssues(own.map((i) => ({ path: i.path.slice(SEGMENT.length).replace(/^\./, ''), message: i.message })));
        return segment.refusedControl();
      }
      const c = controls.get(path)!;
      setError(c.input, c.error, own.map((i) => i.message).join('; '));
      return c.input;
    });
  }

  function clearMessages() {
    for (const c of controls.values()) {
      setError(c.input, c.error, null);
      c.warn.textContent = '';
    }
    segment.showIssues([]);
    formError.textContent = '';
    formWarnings.replaceChildren();
  }

  /** Compliance warnings of a saved campaign, next to the field each names (the rest under the form). */
  function showWarnings(warnings: CampaignView['warnings']) {
    const rest: typeof warnings = [];
    for (const w of warnings) {
      const path = controlOf(w.path);
      const c = path && controls.get(path);
      if (c) c.warn.textContent = [c.warn.textContent, `${t('warnings')}: ${w.rule} — ${w.message}`].filter(Boolean).join('\n');
      else rest.push(w);
    }
    formWarnings.replaceChildren(...rest.map((w) => h('li', {}, `${w.path}: ${w.rule} — ${w.message}`)));
  }

  function showEditing(c: CampaignView) {
    editing = { id: c.id, version: c.version };
    title.textContent = t('editCampaign', { name: c.config.name });
    submit.textContent = t('saveChanges');
    newOne.hidden = false;
  }

  function reset() {
    editing = undefined;
    fill(blank());
    clearMessages();
    status.textContent = '';
    title.textContent = t('newCampaign');
    submit.textContent = t('saveDraft');
    newOne.hidden = true;
    schedulePreview();
  }

  // The split preview: the round as typed, a few sample splits from the server; refusals under the round's fields.
  let asked = 0;
  let previewTimer: ReturnType<typeof setTimeout> | undefined;
  const previewShown = new Set<string>();
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => void showPreview(), 250);
  }
  async function showPreview() {
    const mine = ++asked;
    const body: SplitPreviewBody = { round: roundBody(), samples: 3 };
    let answer: { samples: number[][] } | ApiError;
    try {
      answer = await api.previewSplit(body);
    } catch (err) {
      if (mine !== asked) return;
      if (!(err instanceof ApiError)) return void preview.replaceChildren(h('p', { class: 'error' }, String(err)));
      answer = err;
    }
    if (mine !== asked) return;
    for (const path of previewShown) setError(controls.get(path)!.input, controls.get(path)!.error, null);
    previewShown.clear();
    if (answer instanceof ApiError) {
      preview.replaceChildren(h('p', { class: 'error' }, t('splitImpossible')));
      for (const i of answer.issues) {
        const path = controlOf(i.path);
        const c = path && controls.get(path);
        if (!c) continue;
        setError(c.input, c.error, i.message);
        previewShown.add(path);
      }
      if (!answer.issues.length) preview.append(h('p', { class: 'error' }, answer.message));
      return;
    }
    const samples = answer.samples;
    const first = samples[0] ?? [];
    const all = samples.flat();
    const sum = first.reduce((a, b) => a + b, 0);
    const summary = h(
      'p',
      { class: 'split-sum', 'data-sum-fen': sum },
      t('splitSummary', { n: samples.length, sum: yuan(sum), min: yuan(Math.min(...all)), max: yuan(Math.max(...all)) }),
    );
    // A chart up to a few hundred packets; beyond, the summary says enough.
    const chart =
      first.length <= 200
        ? barChart(
            t('splitSample'),
            first.map((f, i) => ({ key: String(i), label: String(i + 1), value: f })),
            { format: yuan, label: t('packetNo') },
          )
        : null;
    preview.replaceChildren(summary, chart ?? '');
  }
  round.addEventListener('input', schedulePreview);
  round.addEventListener('change', schedulePreview);
  form.addEventListener('input', showWorstCase);
  form.addEventListener('change', showWorstCase);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearMessages();
    status.textContent = '';
    submit.disabled = true;
    try {
      const saved = editing ? await api.updateCampaign(editing.id, { ...body(), version: editing.version }) : await api.createCampaign(body());
      const wasNew = !editing;
      // The saved campaign stays open here, so its warnings show next to their fields.
      showEditing(saved);
      showWarnings(saved.warnings);
      await opts.onSaved(saved);
      // After the list shows it, so the news never runs ahead of the page.
      status.textContent =
        t(wasNew ? 'draftSaved' : 'campaignSaved', { name: saved.config.name }) +
        (saved.warnings.length ? ` ${t('warningsCount', { n: saved.warnings.length })}` : '');
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = String(err);
        return;
      }
      const left = showIssues(err.issues);
      if (left.length || !err.issues.length) formError.textContent = left.length ? left.map((i) => `${i.path}: ${i.message}`).join('; ') : err.message;
    } finally {
      submit.disabled = false;
    }
  });

  fill(blank());
  schedulePreview();
  return {
    element: form,
    edit(c) {
      clearMessages();
      status.textContent = '';
      fill(c.config);
      showEditing(c);
      showWarnings(c.warnings);
      schedulePreview();
      input('name').focus();
    },
    changed(c) {
      if (editing?.id !== c.id) return;
      if (c.state === 'closed') reset();
      else editing.version = c.version;
    },
  };
}
