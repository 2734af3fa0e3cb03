import { api, ApiError } from './api';
import { field, h, setError } from './dom';
import { t } from './i18n';
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
}

export function segmentEditor(opts: { legend: string; initial?: SegmentBody; onChange?: (segment: SegmentBody) => void }): SegmentEditor {
  const text = h('textarea', { name: 'segment', rows: 3, spellcheck: 'false' });
  const f = field(opts.legend, text);
  const count = h('p', { class: 'segment-count', role: 'status', 'aria-live': 'polite' });
  let current: SegmentBody = opts.initial ?? { subscribed: true };
  let asked = 0;
  async function refreshCount() {
    const mine = ++asked;
    try {
      const r = await api.previewSegment({ segment: current, sampleSize: 0 });
      if (mine === asked) count.textContent = t('segmentCount', { n: r.count });
    } catch (err) {
      if (mine === asked) setError(text, f.error, err instanceof ApiError && err.issues.length ? err.issues.map((i) => i.message).join('; ') : String(err));
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  text.addEventListener('input', () => {
    setError(text, f.error, null);
    try {
      current = JSON.parse(text.value) as SegmentBody;
    } catch {
      return setError(text, f.error, t('segmentNotJson'));
    }
    opts.onChange?.(current);
    clearTimeout(timer);
    timer = setTimeout(() => void refreshCount(), 300);
  });
  const set = (s: SegmentBody) => {
    current = s;
    text.value = JSON.stringify(s);
    void refreshCount();
  };
  set(current);
  return {
    element: h('div', { class: 'segment-editor' }, f.wrap, count),
    value: () => current,
    set,
    showIssues: (issues) => setError(text, f.error, issues.map((i) => `${i.path}: ${i.message}`).join('; ') || null),
  };
}
