import { can } from '../access';
import { api, conversationsPath, errorText, getIfChanged } from '../api';
import { h } from '../dom';
import { t, type Key } from '../i18n';
import { whileShown } from '../poll';
import type { AccountInfo, ConversationEntry, ConversationList, ConversationQuery } from '../types';
import { conversationPanel } from './conversationPanel';
import { duration } from './durations';
import { handoffSettingsCard } from './handoffSettings';
import { quickRepliesEditor } from './quickRepliesEditor';

/** Someone waits for a person's answer (as the API counts it): waiting, or written to since the last reply. */
const isWaiting = (c: ConversationEntry) => c.state !== 'closed' && (c.waitingSince !== undefined || c.state === 'waiting');
/** Nobody waiting for an answer shows as a dash. */
const waited = (seconds: number | null, passed = 0) => (seconds === null ? '—' : duration(seconds + passed));
const windowLeft = (seconds: number, passed = 0) => (seconds - passed > 0 ? duration(seconds - passed) : t('windowClosed'));

type Tab = 'waiting' | 'mine' | 'open' | 'closed';
const TABS: readonly Tab[] = ['waiting', 'mine', 'open', 'closed'];
const QUERY: Record<Tab, ConversationQuery> = {
  waiting: { state: 'waiting' },
  mine: { state: 'open', assignee: 'me' },
  open: { state: 'open' },
  closed: { state: 'closed' },
};
/** The tab the agent was on, kept while they move between conversations. */
let tab: Tab = 'waiting';

/**
 * The inbox: conversations that need a person, longest-waiting first (waiting, mine, everyone's
 * open ones, closed), kept current by polling with If-None-Match; the selected one beside the list.
 */
export function inboxPage(account: AccountInfo, openid: string | null, select: (openid: string) => void): HTMLElement {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('section', { class: 'card inbox-list', 'aria-labelledby': 'inbox-list-title', 'data-inbox': tab });
  let rows: ConversationEntry[] = [];
  const panel = openid ? conversationPanel(account, openid, () => void reload()) : null;
  let etag: string | null = null;
  let older: string | null = null;
  /** When the list was read: the API's tag leaves the ticking seconds out, so the page counts them on. */
  let fetchedAt = Date.now();

  const tabs = h(
    'div',
    { class: 'inbox-tabs', role: 'group', 'aria-label': t('inboxTabs') },
    TABS.map((x) =>
      h(
        'button',
        {
          type: 'button',
          'data-tab': x,
          'aria-pressed': String(x === tab),
          onclick: () => {
            tab = x;
            for (const b of tabs.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.tab === tab));
            list.dataset.inbox = tab;
            void reload();
          },
        },
        t(`inboxTab_${x}` as Key),
      ),
    ),
  );

  async function reload() {
    etag = null;
    await poll();
  }

  async function poll() {
    try {
      const r = await getIfChanged<ConversationList>(conversationsPath(QUERY[tab]), etag);
      if (!r.changed) return tick();
      etag = r.etag;
      fetchedAt = Date.now();
      rows = r.data.conversations;
      older = r.data.cursor ?? null;
      render();
      await panel?.refresh();
    } catch (err) {
      list.replaceChildren(title(), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }

  /** The waited and window-left cells, counted on from when the list was read (a 304 carries no new figures). */
  function tick() {
    const passed = Math.floor((Date.now() - fetchedAt) / 1000);
    for (const cell of list.querySelectorAll<HTMLElement>('td[data-waited]'))
      cell.textContent = waited(cell.dataset.waited === '' ? null : Number(cell.dataset.waited), passed);
    for (const cell of list.querySelectorAll<HTMLElement>('td[data-window-left]')) cell.textContent = windowLeft(Number(cell.dataset.windowLeft), passed);
  }

  const title = () => h('h2', { id: 'inbox-list-title' }, t(`inboxTitle_${tab}` as Key, { n: rows.length }));

  function render() {
    // A re-render must not take the keyboard focus away from the row the agent is on.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    const more =
      older === null
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'more',
              onclick: async () => {
                const page = await api.conversations({ ...QUERY[tab], cursor: older ?? undefined });
                rows = [...rows, ...page.conversations];
                older = page.cursor ?? null;
                render();
              },
            },
            t('inboxMore'),
          );
    list.replaceChildren(title(), rows.length ? table() : h('p', { 'data-inbox-empty': '' }, t(`inboxEmpty_${tab}` as Key)));
    if (more) list.append(more);
    if (focused) list.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  function table(): HTMLElement {
    const cols: Key[] = ['inboxMember', 'level', 'tags', 'inboxLastMessage', 'inboxWaited', 'inboxWindowLeft', 'inboxAssignee', 'inboxActions'];
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'ledger inbox' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            cols.map((k) => h('th', { scope: 'col' }, t(k))),
          ),
        ),
        h('tbody', {}, rows.map(row)),
      ),
    );
  }

  function row(c: ConversationEntry): HTMLElement {
    const name = c.nickname ?? c.openid;
    const last = c.lastMessage;
    const claim =
      c.state !== 'open' && can('POST /admin/conversations/{openid}/claim')
        ? h(
            'button',
            {
              type: 'button',
              class: 'primary',
              'data-focus-key': `claim:${c.openid}`,
              'aria-label': t('claimLabel', { name }),
              onclick: async () => {
                try {
                  await api.claim(c.openid);
                  status.classList.remove('error');
                  status.textContent = t('claimed', { name });
                  tab = 'mine';
                  select(c.openid);
                } catch (err) {
                  status.classList.add('error');
                  status.textContent = errorText(err);
                  await reload();
                }
              },
            },
            t('claimConversation'),
          )
        : null;
    return h(
      'tr',
      { 'data-conversation-row': c.openid, 'data-state': c.state, 'aria-current': c.openid === openid ? 'true' : null },
      h(
        'td',
        {},
        h(
          'a',
          {
            href: `/console/inbox/${encodeURIComponent(c.openid)}`,
            'data-focus-key': `open:${c.openid}`,
            onclick: (e: Event) => {
              e.preventDefault();
              select(c.openid);
            },
          },
          name,
        ),
        c.botAnswering ? h('span', { class: 'badge', 'data-bot-answering': '' }, ` ${t('botAnswering')}`) : null,
      ),
      h('td', {}, c.level),
      h('td', {}, c.tags.join('、') || '—'),
      h('td', { class: 'last-message' }, last ? `${last.direction === 'in' ? '' : `${t('inboxWeSaid')} `}${last.preview}` : '—'),
      h('td', { 'data-waited': isWaiting(c) ? c.waitedSeconds : '' }, waited(isWaiting(c) ? c.waitedSeconds : null)),
      h('td', { 'data-window-left': c.windowLeftSeconds }, windowLeft(c.windowLeftSeconds)),
      h('td', {}, c.assignee?.name ?? '—'),
      h('td', {}, claim),
    );
  }

  list.append(title(), h('p', {}, t('loading')));
  void poll();
  const page = h(
    'div',
    { class: 'page inbox-page' },
    h('h1', {}, t('navInbox')),
    h('p', { class: 'hint' }, t('inboxIntro')),
    tabs,
    status,
    h('div', { class: panel ? 'inbox-layout with-conversation' : 'inbox-layout' }, list, panel?.el),
    quickRepliesEditor(),
    handoffSettingsCard(account.timeZone),
  );
  whileShown(page, poll);
  return page;
}
