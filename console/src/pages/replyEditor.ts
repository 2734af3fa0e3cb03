import { field, h, setError } from '../dom';
import { t, type Key } from '../i18n';
import type { ReplySpec } from '../types';

type ReplyType = ReplySpec['type'];
type Article = Extract<ReplySpec, { type: 'news' }>['articles'][number];
const REPLY_TYPES: ReplyType[] = ['text', 'news', 'image', 'action'];
/** WeChat shows at most 8 articles in a passive news reply (replySpecSchema says the same). */
const MAX_ARTICLES = 8;
/** The actions the callback registers (lib/app/conversation.ts), and HANDOFF (to a person, issue 14); the API takes any KEY_LIKE_THIS. */
const KNOWN_ACTIONS = ['SIGN_IN', 'MY_ACCOUNT', 'HANDOFF'];

type Input = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
interface Placed {
  input: Input;
  error: HTMLElement;
}

export interface ReplyEditor {
  element: HTMLElement;
  value(): ReplySpec;
  /** Places an API issue whose path starts with `reply`; false when it names nothing here. */
  showIssue(path: string, message: string): Input | null;
  clearErrors(): void;
}

/**
 * The reply of an auto-reply rule, in the shape of replySpecSchema: a text, up to 8 articles (title,
 * description, picture and link), an image's media id, or an action the callback runs (签到).
 */
export function replyEditor(initial: ReplySpec | undefined): ReplyEditor {
  const placed = new Map<string, Placed>();
  const place = (path: string, label: string, input: Input, hint?: string) => {
    const f = field(label, input, hint);
    placed.set(path, { input, error: f.error });
    return f.wrap;
  };
  const type = h(
    'select',
    { name: 'replyType' },
    REPLY_TYPES.map((k) => h('option', { value: k, selected: (initial?.type ?? 'text') === k }, t(`replyKind_${k}` as Key))),
  );
  const content = h('textarea', { name: 'content', maxlength: 2048, rows: 3 }, initial?.type === 'text' ? initial.content : '');
  const mediaId = h('input', { type: 'text', name: 'mediaId', maxlength: 128, value: initial?.type === 'image' ? initial.mediaId : '' });
  const action = h('input', {
    type: 'text',
    name: 'action',
    maxlength: 64,
    list: 'known-actions',
    value: initial?.type === 'action' ? initial.action : '',
    autocomplete: 'off',
  });
  const panels: Record<ReplyType, HTMLElement> = {
    text: h('div', { class: 'row' }, place('reply.content', t('replyContent'), content)),
    news: h('div', { class: 'articles' }),
    image: h('div', { class: 'row' }, place('reply.mediaId', t('replyMediaId'), mediaId, t('replyMediaIdHint'))),
    action: h(
      'div',
      { class: 'row' },
      place('reply.action', t('replyAction'), action, t('replyActionHint')),
      h(
        'datalist',
        { id: 'known-actions' },
        KNOWN_ACTIONS.map((a) => h('option', { value: a })),
      ),
    ),
  };

  // Articles: one fieldset each, added and removed with buttons (focus follows the change).
  const articles: { inputs: Record<keyof Article, HTMLInputElement>; box: HTMLElement }[] = [];
  const addButton = h('button', { type: 'button' }, t('addArticle'));
  function renderArticles() {
    for (const key of [...placed.keys()]) if (key.startsWith('reply.articles')) placed.delete(key);
    const boxes = articles.map((a, i) => {
      const legend = t('articleN', { n: i + 1 });
      const wraps = (['title', 'description', 'picUrl', 'url'] as const).map((k) => place(`reply.articles.${i}.${k}`, t(`article_${k}` as Key), a.inputs[k]));
      const remove = h('button', { type: 'button', 'aria-label': t('removeArticle', { n: i + 1 }), disabled: articles.length === 1 }, t('remove'));
      remove.addEventListener('click', () => {
        articles.splice(i, 1);
        renderArticles();
        articles[Math.max(0, i - 1)]?.inputs.title.focus();
      });
      a.box.replaceChildren(h('legend', {}, legend), h('div', { class: 'row' }, wraps), remove);
      return a.box;
    });
    addButton.disabled = articles.length >= MAX_ARTICLES;
    placed.set('reply.articles', { input: articles[0]?.inputs.title ?? content, error: articlesError });
    panels.news.replaceChildren(...boxes, addButton, articlesError);
  }
  const articlesError = h('p', { class: 'field-error', role: 'alert' });
  function addArticle(a?: Article) {
    const input = (name: keyof Article, type: string, max: number) => h('input', { type, name: `article-${name}`, maxlength: max, value: a?.[name] ?? '' });
    articles.push({
      inputs: {
        title: input('title', 'text', 64),
        description: input('description', 'text', 512),
        picUrl: input('picUrl', 'url', 1024),
        url: input('url', 'url', 1024),
      },
      box: h('fieldset', { class: 'article' }),
    });
  }
  addButton.addEventListener('click', () => {
    addArticle();
    renderArticles();
    articles.at(-1)?.inputs.title.focus();
  });
  for (const a of initial?.type === 'news' ? initial.articles : [undefined]) addArticle(a);
  renderArticles();

  const show = () => {
    for (const k of REPLY_TYPES) panels[k].hidden = k !== type.value;
  };
  type.addEventListener('change', show);
  show();

  return {
    element: h(
      'fieldset',
      { class: 'reply-editor' },
      h('legend', {}, t('replyLegend')),
      h('div', { class: 'row' }, place('reply.type', t('replyType'), type)),
      ...REPLY_TYPES.map((k) => panels[k]),
    ),
    value(): ReplySpec {
      switch (type.value as ReplyType) {
        case 'news':
          return {
            type: 'news',
            articles: articles.map(({ inputs }) => {
              const v = (k: keyof Article) => inputs[k].value.trim();
              return {
                title: v('title'),
                ...(v('description') ? { description: v('description') } : {}),
                ...(v('picUrl') ? { picUrl: v('picUrl') } : {}),
                ...(v('url') ? { url: v('url') } : {}),
              };
            }),
          };
        case 'image':
          return { type: 'image', mediaId: mediaId.value.trim() };
        case 'action':
          return { type: 'action', action: action.value.trim() };
        default:
          return { type: 'text', content: content.value };
      }
    },
    showIssue(path, message) {
      // `reply` alone (a wrong union branch) goes under the type; otherwise the longest known prefix.
      const key =
        path === 'reply' ? 'reply.type' : [...placed.keys()].filter((k) => path === k || path.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
      const p = key && placed.get(key);
      if (!p) return null;
      setError(p.input, p.error, message);
      return p.input;
    },
    clearErrors() {
      for (const p of placed.values()) setError(p.input, p.error, null);
    },
  };
}
