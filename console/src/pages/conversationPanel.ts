import { can, signedIn } from '../access';
import { api, errorText } from '../api';
import { field, h, setError } from '../dom';
import { t, type Key } from '../i18n';
import type { AccountInfo, MemberProfile } from '../types';
import { chatView } from './chat';
import { refusalOf, replyBox } from './replyBox';
import { duration } from './durations';

/** Whether the signed-in person is the one handling this conversation (the API names the assignee by sign-in name). */
export const isMine = (m: Pick<MemberProfile, 'handoff'>) => m.handoff?.state === 'open' && m.handoff.assignee?.name === signedIn()?.username;

/**
 * One member's conversation in the inbox: who they are, the state and who handles it, the time left in
 * the 48-hour window, the chat; for the assignee the reply box, notes and close; for others, claim.
 */
export function conversationPanel(account: AccountInfo, openid: string, changed: () => void): { el: HTMLElement; refresh: () => Promise<void> } {
  let profile: MemberProfile | null = null;
  const name = () => profile?.nickname ?? openid;
  const chat = chatView(account, openid, name);
  const head = h('div', { class: 'conversation-head' }, h('p', {}, t('loading')));
  const actions = h('div', { class: 'conversation-actions' });
  const status = h('div', { class: 'status', role: 'status' });
  let shownFor = '';

  async function refresh() {
    try {
      profile = await api.member(openid);
    } catch (err) {
      head.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(err)));
      return;
    }
    head.replaceChildren(...header(profile));
    // The actions are rebuilt only when who may do what changes (a reply being typed is kept).
    const key = `${profile.handoff?.state ?? 'none'}|${profile.handoff?.assignee?.name ?? ''}`;
    if (key !== shownFor) {
      shownFor = key;
      actions.replaceChildren(...actionsFor(profile).filter((x) => x !== null));
    }
  }

  function header(m: MemberProfile): HTMLElement[] {
    const hf = m.handoff;
    const left = m.serviceWindowEndsAt ? Math.max(0, (Date.parse(m.serviceWindowEndsAt) - Date.now()) / 1000) : 0;
    const state = hf ? t(`conversationState_${hf.state}` as Key) : t('conversationNone');
    return [
      h('h2', { id: 'conversation-title' }, t('conversationWith', { name: name() })),
      h(
        'dl',
        { class: 'facts' },
        h('div', {}, h('dt', {}, t('conversationStateLabel')), h('dd', { 'data-conversation-state': hf?.state ?? 'none' }, state)),
        h('div', {}, h('dt', {}, t('inboxAssignee')), h('dd', { 'data-assignee': '' }, hf?.assignee?.name ?? '—')),
        h('div', {}, h('dt', {}, t('level')), h('dd', {}, m.level)),
        h('div', {}, h('dt', {}, t('tags')), h('dd', {}, m.tags.join('、') || t('noTags'))),
        h('div', {}, h('dt', {}, t('inboxWindowLeft')), h('dd', { 'data-window-left': Math.round(left) }, left > 0 ? duration(left) : t('windowClosed'))),
      ),
      h('p', {}, h('a', { href: `/console/members/${encodeURIComponent(openid)}` }, t('conversationMemberPage'))),
    ];
  }

  async function act(what: () => Promise<unknown>, done: Key) {
    status.replaceChildren();
    try {
      await what();
      status.replaceChildren(t(done, { name: name() }));
      await Promise.all([refresh(), chat.refresh()]);
      changed();
    } catch (err) {
      status.replaceChildren(refusalOf(err));
    }
  }

  function actionsFor(m: MemberProfile): (HTMLElement | null)[] {
    const hf = m.handoff;
    const mine = isMine(m);
    // A colleague's conversation gone idle is closed when the inbox is read; claiming it then starts a new one.
    const claimable = hf?.state !== 'open' || !hf.assignee;
    const claim =
      !mine && claimable && can('POST /admin/conversations/{openid}/claim')
        ? h('button', { type: 'button', class: 'primary', onclick: () => void act(() => api.claim(openid), 'claimed') }, t('claimConversation'))
        : null;
    const byOther =
      hf?.state === 'open' && hf.assignee && !mine ? h('p', { class: 'hint', 'data-handled-by': '' }, t('handledBy', { name: hf.assignee.name })) : null;
    // Anyone on the team may close (for a colleague who is away); the bot answers the follower again.
    const close =
      hf && hf.state !== 'closed' && can('POST /admin/conversations/{openid}/close')
        ? h('button', { type: 'button', onclick: () => void act(() => api.closeConversation(openid), 'conversationClosed') }, t('closeConversation'))
        : null;
    return [
      claim || byOther || close ? h('div', { class: 'row-actions' }, claim, byOther, close) : null,
      mine && can('POST /admin/conversations/{openid}/replies') ? replyBox(openid, async () => chat.refresh()) : null,
      can('POST /admin/conversations/{openid}/notes') ? noteForm() : null,
    ];
  }

  function noteForm(): HTMLElement {
    const text = h('textarea', { name: 'note', rows: 2, maxlength: 2000 });
    const f = field(t('noteText'), text, t('noteHint'));
    const form = h('form', { class: 'note-form' }, f.wrap, h('button', { type: 'submit' }, t('addNote')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setError(text, f.error, null);
      if (!text.value.trim()) return text.focus();
      try {
        await api.note(openid, text.value);
        text.value = '';
        await chat.refresh();
      } catch (err) {
        setError(text, f.error, errorText(err));
      }
    });
    return h('details', { class: 'reply-more' }, h('summary', {}, t('addNote')), form);
  }

  void refresh();
  const el = h('section', { class: 'card conversation', 'aria-labelledby': 'conversation-title', 'data-conversation': openid }, head, chat.el, status, actions);
  return { el, refresh };
}
