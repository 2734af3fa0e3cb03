import { api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { segmentEditor } from '../segmentEditor';
import type { Member, SegmentBody } from '../types';

const PAGE = 20;

/**
 * "Build a segment" on the members page: the shared segment editor (with its live count) and the
 * members it selects, a page at a time from GET /admin/members?segment=…&cursor=…, each opening
 * its member.
 */
export function segmentBuilder(go: (openid: string) => void): HTMLElement {
  const note = h('p', { class: 'hint', role: 'status' });
  const list = h('div', { class: 'segment-members', 'aria-live': 'polite' });
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // What is listed: the segment, the members shown so far and where the next page starts.
  let shown: { segment: SegmentBody; members: Member[]; cursor: string | null } | undefined;

  async function load(segment: SegmentBody, more = false) {
    const mine = ++asked;
    try {
      const page = await api.segmentMembers(segment, PAGE, more ? (shown?.cursor ?? undefined) : undefined);
      if (mine !== asked) return;
      shown = { segment, members: [...(more ? (shown?.members ?? []) : []), ...page.members], cursor: page.cursor };
      render(more);
    } catch {
      // The editor shows why the segment is refused (next to the condition it names).
      if (mine !== asked) return;
      shown = undefined;
      note.textContent = '';
      list.replaceChildren();
    }
  }

  function render(afterMore: boolean) {
    const s = shown!;
    note.textContent = s.members.length ? t(s.cursor ? 'segMembersSoFar' : 'segMembersAll', { n: s.members.length }) : '';
    const more = s.cursor ? h('button', { type: 'button', onclick: () => void load(s.segment, true) }, t('loadMore')) : null;
    list.replaceChildren(s.members.length ? membersTable(s.members) : h('p', {}, t('segNoMembers')), more ?? '');
    // Keyboard users stay at the list's end: on the next page's button, or the last row's link.
    if (afterMore) (more ?? list.querySelector<HTMLElement>('tbody tr:last-child a'))?.focus();
  }

  function membersTable(members: Member[]): HTMLElement {
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'ledger segment-list' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            (['member', 'level', 'points', 'tags'] as const).map((k) => h('th', { scope: 'col', class: k === 'points' ? 'num' : null }, t(k))),
          ),
        ),
        h(
          'tbody',
          {},
          members.map((m) =>
            h(
              'tr',
              { 'data-member': m.openid },
              h(
                'td',
                {},
                h(
                  'a',
                  {
                    href: `/console/members/${encodeURIComponent(m.openid)}`,
                    onclick: (e: Event) => {
                      e.preventDefault();
                      go(m.openid);
                    },
                  },
                  m.nickname ? `${m.nickname} (${m.openid})` : m.openid,
                ),
              ),
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
