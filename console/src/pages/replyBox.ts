import { can } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h } from '../dom';
import { t, type Key } from '../i18n';
import type { QuickReply, RefusalReason, ReplyBody } from '../types';
import { quickReplyText } from './quickRepliesEditor';

const REASONS: readonly RefusalReason[] = ['window', 'too-many', 'unfollowed'];
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** What WeChat refused and what the agent can do instead (45015 window, 45047 too many, 43004 unfollowed). */
export function refusalOf(err: unknown): HTMLElement {
  const body = err instanceof ApiError ? err.body : {};
  const reason = REASONS.find((r) => r === body.reason);
  const instead = typeof body.instead === 'string' ? body.instead : null;
  return h(
    'div',
    { class: 'refusal', 'data-refusal': reason ?? 'other' },
    h('p', {}, h('strong', {}, reason ? t(`refusal_${reason}` as Key) : errorText(err))),
    reason ? h('p', { class: 'hint' }, errorText(err)) : null,
    reason ? h('p', { 'data-instead': '' }, t(`instead_${reason}` as Key)) : instead ? h('p', { 'data-instead': '' }, instead) : null,
  );
}

const base64Of = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

/**
 * What the assignee sends: a text, a saved quick reply, an image (uploaded, or an existing media id)
 * or an article card. Each goes out as a customer-service message; a refusal is shown with what to do.
 */
export function replyBox(openid: string, sent: () => Promise<void>): HTMLElement {
  const outcome = h('div', { class: 'reply-outcome', role: 'alert' });
  const done = h('p', { class: 'status', role: 'status' });
  async function send(body: ReplyBody, clear: () => void) {
    outcome.replaceChildren();
    done.textContent = '';
    try {
      await api.reply(openid, body);
      clear();
      done.textContent = t('replySent');
      await sent();
    } catch (err) {
      outcome.replaceChildren(refusalOf(err));
    }
  }

  const text = h('textarea', { name: 'reply', rows: 3, maxlength: 2000 });
  const fText = field(t('replyText'), text);
  const textForm = h('form', { class: 'reply-text' }, fText.wrap, h('button', { type: 'submit', class: 'primary' }, t('replySend')));
  textForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!text.value.trim()) return text.focus();
    void send({ type: 'text', text: text.value }, () => (text.value = ''));
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) textForm.requestSubmit();
  });

  return h(
    'section',
    { class: 'reply-box', 'aria-label': t('replyBoxLabel') },
    textForm,
    quickReplies(send),
    imageForm(send),
    articleForm(send),
    outcome,
    done,
  );
}

type Send = (body: ReplyBody, clear: () => void) => Promise<void>;

function quickReplies(send: Send): HTMLElement | null {
  if (!can('GET /admin/quick-replies')) return null;
  const select = h('select', { name: 'quickReply' }, h('option', { value: '' }, t('loading')));
  const preview = h('p', { class: 'hint quick-preview' });
  const f = field(t('quickReply'), select);
  const form = h('form', { class: 'quick-reply' }, f.wrap, preview, h('button', { type: 'submit' }, t('quickReplySend')));
  let replies: QuickReply[] = [];
  api
    .quickReplies()
    .then((r) => {
      replies = r.replies;
      select.replaceChildren(
        h('option', { value: '' }, replies.length ? t('quickReplyChoose') : t('quickReplyNone')),
        ...replies.map((q) => h('option', { value: q.id }, q.title)),
      );
    })
    .catch((err) => (f.error.textContent = errorText(err)));
  select.addEventListener('change', () => {
    const q = replies.find((x) => x.id === select.value);
    preview.textContent = q ? quickReplyText(q) : '';
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!select.value) return select.focus();
    void send({ quickReplyId: select.value }, () => {
      select.value = '';
      preview.textContent = '';
    });
  });
  return form;
}

function imageForm(send: Send): HTMLElement {
  const file = h('input', { type: 'file', name: 'image', accept: 'image/jpeg,image/png' });
  const mediaId = h('input', { type: 'text', name: 'mediaId', autocomplete: 'off', spellcheck: 'false' });
  const fFile = field(t('replyImageFile'), file, t('replyImageHint'));
  const fMedia = field(t('inboxMediaId'), mediaId);
  const form = h('form', { class: 'reply-image' }, fFile.wrap, fMedia.wrap, h('button', { type: 'submit' }, t('replySendImage')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fFile.error.textContent = '';
    const chosen = file.files?.[0];
    let id = mediaId.value.trim();
    if (chosen) {
      if (chosen.size > MAX_IMAGE_BYTES || !['image/jpeg', 'image/png'].includes(chosen.type)) {
        fFile.error.textContent = t('replyImageTooBig');
        return;
      }
      try {
        id = (await api.uploadImage({ fileName: chosen.name, contentType: chosen.type, dataBase64: await base64Of(chosen) })).mediaId;
      } catch (err) {
        fFile.error.textContent = errorText(err);
        return;
      }
    }
    if (!id) {
      fFile.error.textContent = t('replyImageNeeded');
      return;
    }
    await send({ type: 'image', mediaId: id }, () => {
      file.value = '';
      mediaId.value = '';
    });
  });
  return h('details', { class: 'reply-more' }, h('summary', {}, t('replyImage')), form);
}

function articleForm(send: Send): HTMLElement {
  const title = h('input', { type: 'text', name: 'title', maxlength: 64, required: true });
  const description = h('input', { type: 'text', name: 'description', maxlength: 120 });
  const url = h('input', { type: 'url', name: 'url', required: true, placeholder: 'https://' });
  const picUrl = h('input', { type: 'url', name: 'picUrl', placeholder: 'https://' });
  const fields = [field(t('articleTitle'), title), field(t('articleDescription'), description), field(t('articleUrl'), url), field(t('articlePicUrl'), picUrl)];
  const form = h(
    'form',
    { class: 'reply-article' },
    fields.map((f) => f.wrap),
    h('button', { type: 'submit' }, t('replySendArticle')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const article = {
      title: title.value.trim(),
      url: url.value.trim(),
      ...(description.value.trim() ? { description: description.value.trim() } : {}),
      ...(picUrl.value.trim() ? { picUrl: picUrl.value.trim() } : {}),
    };
    void send({ type: 'news', article }, () => form.reset());
  });
  return h('details', { class: 'reply-more' }, h('summary', {}, t('replyArticle')), form);
}
