import { can } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, setError } from '../dom';
import { t } from '../i18n';
import type { QuickReply } from '../types';

/** What a quick reply sends, in one line. */
export function quickReplyText({ reply }: QuickReply): string {
  if (reply.type === 'text') return reply.text;
  if (reply.type === 'news') return `${t('chatArticle')} ${reply.article.title}`;
  return t('chatImage');
}

/**
 * The team's saved answers (operators): add one (a title and its text), remove one. Each change saves
 * the whole list, as PUT /admin/quick-replies takes it; replies of other kinds are kept as they are.
 */
export function quickRepliesEditor(): HTMLElement | null {
  if (!can('PUT /admin/quick-replies') || !can('GET /admin/quick-replies')) return null;
  let replies: QuickReply[] = [];
  const list = h('ul', { class: 'quick-replies' }, h('li', {}, t('loading')));
  const status = h('p', { class: 'status', role: 'status' });
  const title = h('input', { type: 'text', name: 'title', maxlength: 40, required: true, autocomplete: 'off' });
  const text = h('textarea', { name: 'text', rows: 2, maxlength: 2000, required: true });
  const fTitle = field(t('quickReplyTitle'), title);
  const fText = field(t('quickReplyTextLabel'), text);
  const form = h('form', { class: 'quick-reply-add' }, fTitle.wrap, fText.wrap, h('button', { type: 'submit' }, t('quickReplyAdd')));

  function render() {
    list.replaceChildren(
      ...(replies.length
        ? replies.map((q) =>
            h(
              'li',
              { 'data-quick-reply': q.id },
              h('strong', {}, q.title),
              ` ${quickReplyText(q)} `,
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': t('quickReplyRemove', { title: q.title }),
                  onclick: () =>
                    void save(
                      replies.filter((x) => x !== q),
                      null,
                    ),
                },
                t('quickReplyRemoveShort'),
              ),
            ),
          )
        : [h('li', { class: 'none' }, t('quickReplyNone'))]),
    );
  }

  async function save(next: QuickReply[], added: string | null) {
    setError(title, fTitle.error, null);
    try {
      replies = (await api.saveQuickReplies(next)).replies;
      render();
      status.textContent = added ? t('quickReplyAdded', { title: added }) : t('quickRepliesSaved');
      return true;
    } catch (err) {
      const issue = err instanceof ApiError ? err.issues[0] : undefined;
      setError(title, fTitle.error, issue ? `${issue.path}: ${issue.message}` : errorText(err));
      return false;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reply: QuickReply = { id: `qr-${Date.now().toString(36)}`, title: title.value.trim(), reply: { type: 'text', text: text.value.trim() } };
    if (await save([...replies, reply], reply.title)) form.reset();
  });
  api
    .quickReplies()
    .then((r) => {
      replies = r.replies;
      render();
    })
    .catch((err) => list.replaceChildren(h('li', { class: 'error' }, errorText(err))));
  return h(
    'details',
    { class: 'card quick-replies-editor' },
    h('summary', {}, h('h2', { class: 'inline' }, t('quickRepliesManage'))),
    h('p', { class: 'hint' }, t('quickRepliesHint')),
    list,
    form,
    status,
  );
}
