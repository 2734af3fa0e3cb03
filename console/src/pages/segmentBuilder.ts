import { api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { segmentEditor } from '../segmentEditor';
import type { Member, SegmentBody } from '../types';

const FIRST_PAGE = 20;

/**
 * "Build a segment" on the members page: the shared segment editor (with its live count) and the
 * first page of the members it selects, from GET /admin/members?segment=…, each opening its member.
 */
export function segmentBuilder(go: (openid: string) => void): HTMLElement {
  const note = h('p', { class: 'hint' });
  const list = h('div', { class: 'segment-members', 'aria-live': 'polite' });
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(segment: SegmentBody) {
    const mine = ++asked;
    try {
      const page = await api.segmentMembers(segment, FIRST_PAGE);
      if (mine !== asked) return;
      note.textContent = page.members.length ? t('segMembersFirst', { n: FIRST_PAGE }) : '';
      list.replaceChildren(page.members.length ? membersTable(page.members) : h('p', {}, t('segNoMembers')));
    } catch {
      // The editor shows why the segment is refused (next to the condition it names).
      if (mine !== asked) return;
      note.textContent = '';
      list.replaceChildren();
    }
  }

  function membersTable(members: Member[]): HTMLElement {
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'ledger segment-list' },
        h('thead', {}, h('tr', {}, (['member', 'level', 'points', 'tags'] as const).map((k) => h('th', { scope: 'col', class: k === 'points' ? 'num' : null }, t(k))))),
        h(
          'tbody',
          {},
          members.map((m) =>
            h(
              'tr',
              { 'data-member': m.openid },
              h('td', {}, h('a', { href: `/console/members/${encodeURIComponent(m.openid)}`, onclick: (e: Event) => (e.preventDefault(), go(m.openid)) }, m.nickname ? `${m.nickname} (${m.openid})` : m.openid)),
              h('td', {}, m.level),
              h('td', { class: 'num' }, String(m.points)),
              h('td', {}, m.tags.join('、') || '—'),
            ),
          ),
        ),
      ),
    );
  }

  const editor = segmentEditor({
    legend: t('segBuildLegend'),
    onChange: (segment) => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(segment), 400);
    },
  });
  void load(editor.value());
  return h(
    'section',
    { class: 'card segment-builder', 'aria-labelledby': 'segment-title' },
    h('h2', { id: 'segment-title' }, t('segBuildTitle')),
    editor.element,
    h('h3', {}, t('segMembersTitle')),
    note,
    list,
  );
}
