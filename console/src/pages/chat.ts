import { api, ApiError, errorText, getIfChanged, historyPath, mediaDataUrl } from '../api';
import { timeIn } from '../dates';
import { h } from '../dom';
import { isKey, locale, t } from '../i18n';
import { whileShown } from '../poll';
import type { AccountInfo, ConversationMessage, ConversationPage, SentBy } from '../types';

/** Who wrote a message, as the agent reads it: the follower's name, the agent's, or which rule or campaign. */
function senderOf(by: SentBy, follower: string): string {
  switch (by.kind) {
    case 'follower':
      return follower;
    case 'agent':
      return by.name;
    case 'action':
      return t('by_action', { name: by.name });
    case 'notice':
      return t('by_notice', { name: by.what });
    case 'handoff':
    case 'apology':
      return t(`by_${by.kind}`);
    default:
      return t(`by_${by.kind}`, { name: by.id });
  }
}

const eventName = (event: string) => {
  const key = `event_${event.toLowerCase()}`;
  return isKey(key) ? t(key) : event;
};

/** An image by its media id: fetched when the agent asks (the member's photos are not loaded unasked). */
function imageOf(mediaId: string | undefined, alt: string): HTMLElement {
  if (!mediaId) return h('p', {}, t('chatImage'));
  const holder = h('div', { class: 'chat-image' });
  const show = h('button', { type: 'button', class: 'link', 'data-media': mediaId }, t('chatShowImage'));
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      holder.replaceChildren(h('img', { src: await mediaDataUrl(mediaId), alt }));
    } catch (err) {
      holder.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('chatImageFailed', { error: errorText(err) })));
    }
  });
  holder.append(show);
  return holder;
}

function bodyOf(m: ConversationMessage): HTMLElement {
  switch (m.kind) {
    case 'text':
      return h('p', { class: 'text' }, m.text);
    case 'image':
      return imageOf(m.mediaId, t(m.direction === 'in' ? 'chatImageFromFollower' : 'chatImageSent'));
    case 'voice':
      return h('p', {}, t('chatVoice'));
    case 'video':
    case 'shortvideo':
      return h('p', {}, t('chatVideo'));
    case 'location':
      return h('p', {}, t('chatLocation', { label: m.label ?? (m.latitude === undefined ? '' : `${m.latitude}, ${m.longitude}`) }));
    case 'link':
      return h('p', {}, `${t('chatLink')} `, m.url ? h('a', { href: m.url, rel: 'noopener noreferrer', target: '_blank' }, m.title ?? m.url) : (m.title ?? ''));
    case 'event':
      return h('p', { class: 'event' }, eventName(m.event), m.key ? ` · ${m.key}` : '');
    case 'news':
      return h(
        'div',
        { class: 'article-cards' },
        m.articles.map((a) =>
          h(
            'div',
            { class: 'article-card' },
            h('strong', {}, a.title),
            a.description ? h('p', {}, a.description) : null,
            a.url ? h('a', { href: a.url, rel: 'noopener noreferrer', target: '_blank' }, t('chatOpenArticle', { title: a.title })) : null,
          ),
        ),
      );
    case 'template':
      return h(
        'div',
        { class: 'template' },
        h('strong', {}, t('chatTemplate')),
        h(
          'ul',
          {},
          Object.entries(m.data).map(([k, v]) => h('li', {}, `${k}: ${v.value}`)),
        ),
      );
    case 'transfer':
      return h('p', { class: 'event' }, t('chatTransfer'));
  }
}

const byTime = (a: ConversationMessage, b: ConversationMessage) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1);

/**
 * A member's conversation as a chat, oldest at the top: the newest page first, older pages on demand,
 * and new messages as they come (a conditional GET of the newest page every 1.5 s: a 304 costs
 * nothing). Notes of the team are shown apart from what the follower saw.
 */
export function chatView(account: AccountInfo, openid: string, follower: () => string): { el: HTMLElement; refresh: () => Promise<void> } {
  const messages = new Map<string, ConversationMessage>();
  let older: string | null = null;
  let etag: string | null = null;
  let loaded = false;
  const list = h('ol', { class: 'chat-list' });
  const status = h('p', { class: 'status', role: 'status' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, t('chatOlder'));
  const log = h('div', { class: 'chat-log', role: 'log', tabindex: 0, 'aria-label': t('chatLogLabel'), 'data-chat': openid }, more, list);
  const say = (text: string, isError = false) => {
    status.classList.toggle('error', isError);
    status.textContent = text;
  };
  const when = (iso: string) => timeIn(account.timeZone, iso, locale());

  function item(m: ConversationMessage): HTMLElement {
    const who = m.direction === 'note' ? t('chatNoteBy', { name: senderOf(m.by, follower()) }) : senderOf(m.by, follower());
    return h(
      'li',
      { class: `msg ${m.direction}`, 'data-message-id': m.id, 'data-direction': m.direction },
      h('p', { class: 'meta' }, h('span', { class: 'who' }, who), ' · ', h('time', { datetime: m.at }, when(m.at))),
      bodyOf(m),
    );
  }

  function render(stickToBottom: boolean) {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const sorted = [...messages.values()].sort(byTime);
    list.replaceChildren(...(sorted.length ? sorted.map(item) : [h('li', { class: 'none' }, t('chatEmpty'))]));
    more.hidden = older === null;
    if (stickToBottom || atBottom) log.scrollTop = log.scrollHeight;
  }

  /** The newest page; when none of it is known yet (a burst while the tab slept), it replaces what is shown. */
  async function refresh() {
    try {
      const r = await getIfChanged<ConversationPage>(historyPath(openid), etag);
      if (!r.changed) return;
      etag = r.etag;
      const page = r.data;
      const overlaps = page.messages.some((m) => messages.has(m.id));
      if (!loaded || !overlaps) {
        messages.clear();
        older = page.cursor ?? null;
      }
      for (const m of page.messages) messages.set(m.id, m);
      render(!loaded);
      loaded = true;
      if (status.classList.contains('error')) say('');
    } catch (err) {
      say(err instanceof ApiError && err.status === 400 ? err.message : t('chatUnavailable', { error: errorText(err) }), true);
    }
  }

  more.addEventListener('click', async () => {
    if (older === null) return;
    more.disabled = true;
    try {
      const page = await api.history(openid, older);
      for (const m of page.messages) messages.set(m.id, m);
      older = page.cursor ?? null;
      const before = log.scrollHeight;
      render(false);
      // Keep the message the agent was reading where it was.
      log.scrollTop += log.scrollHeight - before;
      say(t('chatOlderLoaded', { n: page.messages.length }));
    } catch (err) {
      say(errorText(err), true);
    } finally {
      more.disabled = false;
    }
  });

  const el = h('div', { class: 'chat' }, log, status);
  void refresh();
  whileShown(el, refresh);
  return { el, refresh };
}
