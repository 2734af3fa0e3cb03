import { can } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, setError } from '../dom';
import { clearFieldErrors, showFieldErrors, slotsOf } from '../formErrors';
import { t, type Key } from '../i18n';
import type { CouponTemplate, CouponTemplateBody } from '../types';
import { fenOf, yuan, yuanDigits } from '../money';

function couponValue(c: CouponTemplate): string {
  const v = c.value;
  return v.type === 'amount' ? yuan(v.fen) : v.type === 'percent' ? `${v.percent}%` : v.item;
}

function validity(c: CouponTemplate): string {
  const v = c.validity;
  return v.type === 'endOfWeek' ? t('validEndOfWeek') : v.type === 'days' ? t('validDays', { n: v.days }) : `${v.from} – ${v.to}`;
}

/**
 * Coupon templates: the list, and a form that creates one (POST) or replaces one (PUT, the id fixed
 * once created). A template without a value is a free item named by its title (the API's default).
 * Refusals land under the field they name; an id already taken under the id.
 */
export function couponTemplatesCard(): HTMLElement {
  const card = h('section', { class: 'card', 'aria-labelledby': 'coupons-title' });
  const list = h('div', { 'aria-live': 'polite' }, h('p', {}, t('loading')));
  // The last save's message; cleared when another edit starts, so it never describes the next one.
  const status = h('p', { class: 'status', role: 'status' });
  const form = templateForm(async (saved) => {
    await load(t('couponSaved', { name: saved.title }));
  });
  const may = {
    create: can('POST /admin/coupon-templates'),
    edit: can('PUT /admin/coupon-templates/{id}'),
    remove: can('DELETE /admin/coupon-templates/{id}'),
  };
  card.append(h('h2', { id: 'coupons-title' }, t('couponTemplates')), list);
  if (may.create || may.edit) card.append(form.element);

  async function load(statusText = '') {
    const { templates } = await api.couponTemplates();
    status.textContent = statusText;
    list.replaceChildren(
      status,
      templates.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'ledger' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  (['couponId', 'couponTitle', 'couponValue', 'couponValidity', 'actions'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
                ),
              ),
              h(
                'tbody',
                {},
                templates.map((c) =>
                  h(
                    'tr',
                    { 'data-template': c.id },
                    h('td', {}, c.id),
                    h('td', {}, c.title),
                    h('td', {}, couponValue(c)),
                    h('td', {}, validity(c)),
                    h(
                      'td',
                      { class: 'row-actions' },
                      may.edit &&
                        h(
                          'button',
                          {
                            type: 'button',
                            onclick: () => {
                              status.textContent = '';
                              form.edit(c);
                            },
                          },
                          t('editCouponButton', { name: c.title }),
                        ),
                      may.remove &&
                        h(
                          'button',
                          { type: 'button', class: 'danger', 'aria-label': t('deleteCouponButton', { name: c.title }), onclick: () => void remove(c) },
                          t('delete'),
                        ),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, t('noCouponTemplates')),
    );
  }
  /** Coupons already issued keep their own copy of title, value and dates; a campaign prize naming it no longer issues. */
  async function remove(c: CouponTemplate) {
    if (!confirm(t('confirmDeleteCoupon', { name: c.title }))) return;
    try {
      await api.deleteCouponTemplate(c.id);
      await load(t('couponDeleted', { name: c.title }));
    } catch (err) {
      status.textContent = errorText(err);
    }
  }
  void load().catch((err) => list.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));
  return card;
}

function templateForm(saved: (template: CouponTemplate) => Promise<void>) {
  const inputs = {
    id: h('input', { type: 'text', name: 'couponId', maxlength: 64, autocomplete: 'off', placeholder: 'five-off' }),
    title: h('input', { type: 'text', name: 'title', maxlength: 64 }),
    'value.type': h(
      'select',
      { name: 'valueType' },
      (['fromTitle', 'item', 'amount', 'percent'] as const).map((k) => h('option', { value: k }, t(`cvalue_${k}`))),
    ),
    'value.item': h('input', { type: 'text', name: 'item', maxlength: 64 }),
    'value.fen': h('input', { type: 'number', name: 'yuan', min: 0.01, step: 0.01 }),
    'value.percent': h('input', { type: 'number', name: 'percent', min: 1, max: 100, step: 1 }),
    'validity.type': h(
      'select',
      { name: 'validityType' },
      (['endOfWeek', 'days', 'fixed'] as const).map((k) => h('option', { value: k }, t(`cvalid_${k}`))),
    ),
    'validity.days': h('input', { type: 'number', name: 'days', min: 1, max: 3660, step: 1 }),
    'validity.from': h('input', { type: 'date', name: 'validFrom' }),
    'validity.to': h('input', { type: 'date', name: 'validTo' }),
    description: h('textarea', { name: 'description', rows: 2, maxlength: 500 }),
  };
  type Path = keyof typeof inputs;
  const labels: Record<Path, Key> = {
    id: 'couponIdField',
    title: 'couponTitleField',
    'value.type': 'couponValueType',
    'value.item': 'couponItem',
    'value.fen': 'couponYuan',
    'value.percent': 'couponPercent',
    'validity.type': 'couponValidityType',
    'validity.days': 'couponDays',
    'validity.from': 'couponFrom',
    'validity.to': 'couponTo',
    description: 'couponDescription',
  };
  const hints: Partial<Record<Path, string>> = { id: t('couponIdHint'), 'validity.days': t('couponDaysHint'), description: t('optional') };
  const f = Object.fromEntries((Object.keys(inputs) as Path[]).map((p) => [p, field(t(labels[p]), inputs[p], hints[p])])) as Record<
    Path,
    ReturnType<typeof field>
  >;
  const slots = slotsOf(inputs, f);
  let editing: string | null = null;

  function showFields() {
    const value = inputs['value.type'].value;
    f['value.item'].wrap.hidden = value !== 'item';
    f['value.fen'].wrap.hidden = value !== 'amount';
    f['value.percent'].wrap.hidden = value !== 'percent';
    const valid = inputs['validity.type'].value;
    f['validity.days'].wrap.hidden = valid !== 'days';
    f['validity.from'].wrap.hidden = valid !== 'fixed';
    f['validity.to'].wrap.hidden = valid !== 'fixed';
  }
  inputs['value.type'].addEventListener('change', showFields);
  inputs['validity.type'].addEventListener('change', showFields);

  function body(): CouponTemplateBody {
    const v = (p: Path) => inputs[p].value.trim();
    const value =
      v('value.type') === 'item'
        ? { type: 'item' as const, item: v('value.item') }
        : v('value.type') === 'amount'
          ? { type: 'amount' as const, fen: fenOf(v('value.fen')) }
          : v('value.type') === 'percent'
            ? { type: 'percent' as const, percent: Number(v('value.percent')) }
            : undefined;
    const valid = v('validity.type');
    return {
      title: v('title'),
      ...(value ? { value } : {}),
      validity:
        valid === 'days'
          ? { type: 'days', days: Number(v('validity.days')) }
          : valid === 'fixed'
            ? { type: 'fixed', from: v('validity.from'), to: v('validity.to') }
            : { type: 'endOfWeek' },
      ...(v('description') ? { description: v('description') } : {}),
    };
  }

  const title = h('h3', { id: 'coupon-form-title' });
  const formError = h('p', { class: 'error', role: 'alert' });
  const cancel = h('button', { type: 'button', onclick: () => fill(null) }, t('cancelEdit'));
  const row = (...paths: Path[]) =>
    h(
      'div',
      { class: 'row' },
      paths.map((p) => f[p].wrap),
    );
  const element = h(
    'form',
    { class: 'campaign-form coupon-form', 'aria-labelledby': 'coupon-form-title', novalidate: true },
    title,
    row('id', 'title', 'description'),
    row('value.type', 'value.item', 'value.fen', 'value.percent'),
    row('validity.type', 'validity.days', 'validity.from', 'validity.to'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('saveCoupon')), cancel),
    formError,
  );

  function fill(c: CouponTemplate | null) {
    editing = c?.id ?? null;
    clearFieldErrors(slots);
    formError.textContent = '';
    title.textContent = c ? t('editCoupon', { name: c.title }) : t('newCoupon');
    cancel.hidden = !c;
    inputs.id.value = c?.id ?? '';
    inputs.id.readOnly = !!c;
    inputs.title.value = c?.title ?? '';
    const value = c?.value;
    inputs['value.type'].value = value?.type ?? 'fromTitle';
    inputs['value.item'].value = value?.type === 'item' ? value.item : '';
    inputs['value.fen'].value = value?.type === 'amount' ? yuanDigits(value.fen) : '';
    inputs['value.percent'].value = value?.type === 'percent' ? String(value.percent) : '';
    const valid = c?.validity;
    inputs['validity.type'].value = valid?.type ?? 'endOfWeek';
    inputs['validity.days'].value = valid?.type === 'days' ? String(valid.days) : '';
    inputs['validity.from'].value = valid?.type === 'fixed' ? valid.from : '';
    inputs['validity.to'].value = valid?.type === 'fixed' ? valid.to : '';
    inputs.description.value = c?.description ?? '';
    showFields();
  }

  /** `value.fen` → the yuan field; a refusal of a whole union (`value`, `validity`) → its type. */
  const fieldOf = (path: string): Path | undefined =>
    path in inputs ? (path as Path) : path === 'value' ? 'value.type' : path === 'validity' ? 'validity.type' : undefined;

  element.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(slots);
    formError.textContent = '';
    try {
      const template =
        editing === null ? await api.createCouponTemplate({ id: inputs.id.value.trim(), ...body() }) : await api.updateCouponTemplate(editing, body());
      fill(null);
      await saved(template);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = errorText(err);
        return;
      }
      // 409: the id is taken; that is about the id field.
      if (err.status === 409) {
        setError(inputs.id, f.id.error, err.message);
        inputs.id.focus();
        return;
      }
      const left = showFieldErrors(slots, err.issues, fieldOf);
      if (left.length || !err.issues.length) formError.textContent = left.length ? left.map((i) => `${i.path}: ${i.message}`).join('; ') : err.message;
    }
  });
  fill(null);
  return {
    element,
    edit: (c: CouponTemplate) => {
      fill(c);
      inputs.title.focus();
    },
  };
}
