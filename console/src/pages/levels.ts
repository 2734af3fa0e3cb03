import { can, readOnlyNote } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, setError } from '../dom';
import { t } from '../i18n';
import type { Level, LevelsBody } from '../types';
import { couponTemplatesCard } from './couponTemplates';
import { fenOf } from '../money';

type Col = 'name' | 'minLifetimePoints' | 'minSpendFen' | 'pointsMultiplier' | 'redPacketMultiplier' | 'vipCampaigns';

/** Levels: thresholds (lifetime points, spend) and benefits, edited in place and saved at once; coupon templates listed, created and edited. */
export function levelsPage(): HTMLElement {
  // A role that may read but not save the levels sees them in disabled fields, without the save button.
  const mayEdit = can('PUT /admin/levels');
  const levelsCard = h('section', { class: 'card', 'aria-labelledby': 'levels-title' }, h('p', {}, t('loading')));

  function renderLevels(levels: Level[], message = '') {
    const rows = levels.map((l, i) => {
      const num = (value: number | undefined, step: number, min: number) => h('input', { type: 'number', step, min, value: value ?? '' });
      const inputs: Record<Col, HTMLInputElement> = {
        name: h('input', { type: 'text', value: l.name, maxlength: 16, required: true }),
        minLifetimePoints: num(l.minLifetimePoints, 1, 0),
        minSpendFen: num(l.minSpendFen === undefined ? undefined : l.minSpendFen / 100, 0.01, 0),
        pointsMultiplier: num(l.benefits.pointsMultiplier, 0.1, 1),
        redPacketMultiplier: num(l.benefits.redPacketMultiplier, 0.1, 1),
        vipCampaigns: h('input', { type: 'checkbox', checked: l.benefits.vipCampaigns }),
      };
      const labels: Record<Col, string> = {
        name: t('levelName'),
        minLifetimePoints: t('minLifetimePoints'),
        minSpendFen: t('minSpendYuan'),
        pointsMultiplier: t('pointsMultiplier'),
        redPacketMultiplier: t('redPacketMultiplier'),
        vipCampaigns: t('vipCampaigns'),
      };
      const fields = Object.fromEntries((Object.keys(inputs) as Col[]).map((k) => [k, field(`${labels[k]}（${i + 1}）`, inputs[k])])) as Record<
        Col,
        ReturnType<typeof field>
      >;
      fields.vipCampaigns.wrap.classList.add('check');
      return {
        inputs,
        fields,
        row: h(
          'fieldset',
          { class: 'level', 'data-level': i, disabled: !mayEdit },
          h('legend', {}, `${t('levelN', { n: i + 1 })} · ${l.name}`),
          h(
            'div',
            { class: 'row' },
            Object.values(fields).map((f) => f.wrap),
          ),
        ),
      };
    });
    const formError = h('p', { class: 'error', role: 'alert' });
    const status = h('p', { class: 'status', role: 'status' }, message);
    const form = h(
      'form',
      { class: 'campaign-form levels-form' },
      h('h2', { id: 'levels-title' }, t('levelsTitle')),
      h('p', { class: 'hint' }, t('levelsHint')),
      mayEdit ? null : readOnlyNote(),
      rows.map((r) => r.row),
      mayEdit ? h('button', { type: 'submit', class: 'primary' }, t('saveLevels')) : null,
      formError,
      status,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.textContent = '';
      for (const r of rows) for (const k of Object.keys(r.inputs) as Col[]) setError(r.inputs[k], r.fields[k].error, null);
      const n = (x: HTMLInputElement, scale = 1) => (x.value.trim() === '' ? undefined : Math.round(Number(x.value) * scale * 100) / 100);
      const body: LevelsBody = {
        levels: rows.map(({ inputs: x }) => ({
          name: x.name.value.trim(),
          ...(n(x.minLifetimePoints) === undefined ? {} : { minLifetimePoints: n(x.minLifetimePoints) }),
          ...(n(x.minSpendFen, 100) === undefined ? {} : { minSpendFen: fenOf(x.minSpendFen.value) }),
          benefits: { pointsMultiplier: n(x.pointsMultiplier) ?? 1, redPacketMultiplier: n(x.redPacketMultiplier) ?? 1, vipCampaigns: x.vipCampaigns.checked },
        })),
      };
      try {
        const saved = await api.saveLevels(body);
        renderLevels(saved.levels, t('levelsSaved'));
      } catch (err) {
        if (!(err instanceof ApiError)) {
          formError.textContent = String(err);
          return;
        }
        let placed = 0;
        for (const issue of err.issues) {
          const m = /^levels\.(\d+)(?:\.(?:benefits\.)?(\w+))?$/.exec(issue.path);
          const r = m ? rows[Number(m[1])] : undefined;
          const col = (m?.[2] ?? 'minLifetimePoints') as Col;
          if (r && col in r.inputs) {
            setError(r.inputs[col], r.fields[col].error, issue.message);
            placed++;
          }
        }
        if (placed < err.issues.length || !err.issues.length) formError.textContent = err.message;
      }
    });
    levelsCard.replaceChildren(form);
  }

  void api
    .levels()
    .then(({ levels }) => renderLevels(levels))
    .catch((err) => levelsCard.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err))));
  return h('div', { class: 'page' }, h('h1', {}, t('navLevels')), levelsCard, can('GET /admin/coupon-templates') ? couponTemplatesCard() : null);
}
