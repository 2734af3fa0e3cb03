import { can } from '../access';
import { api, errorText } from '../api';
import { h } from '../dom';
import { t, type Key } from '../i18n';
import type { AccountInfo, MemberProfile } from '../types';
import { chatView } from './chat';

/**
 * The member page's conversation: everything the follower sent and received, as a chat (older pages
 * on demand, new messages as they come), and the way into the inbox: open it there, or start one.
 */
export function conversationCard(account: AccountInfo, m: MemberProfile, openInbox: (openid: string) => void): HTMLElement {
  const chat = chatView(account, m.openid, () => m.nickname ?? m.openid);
  const status = h('p', { class: 'status', role: 'status' });
  const hf = m.handoff;
  const inInbox = hf && hf.state !== 'closed';
  const start =
    !inInbox && can('POST /admin/conversations/{openid}/claim')
      ? h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: async () => {
              try {
                await api.claim(m.openid);
                openInbox(m.openid);
              } catch (err) {
                status.textContent = errorText(err);
              }
            },
          },
          t('startConversation'),
        )
      : null;
  const open =
    inInbox && can('GET /admin/conversations')
      ? h(
          'a',
          {
            href: `/console/inbox/${encodeURIComponent(m.openid)}`,
            onclick: (e: Event) => {
              e.preventDefault();
              openInbox(m.openid);
            },
          },
          t('openInInbox'),
        )
      : null;
  return h(
    'section',
    { class: 'card member-conversation', 'aria-labelledby': 'member-conversation-title' },
    h('h2', { id: 'member-conversation-title' }, t('conversation')),
    hf ? h('p', { class: 'hint' }, t(`conversationState_${hf.state}` as Key), hf.assignee ? ` · ${t('handledBy', { name: hf.assignee.name })}` : '') : null,
    start || open ? h('div', { class: 'row-actions' }, start, open) : null,
    status,
    chat.el,
  );
}
