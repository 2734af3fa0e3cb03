import type { Article, NewInboxEntry } from './state';
import type { ErrCode } from './wechat-errors';

/**
 * Turns the JSON an app sends to `message/custom/send` and `message/template/send` into what the
 * follower's phone shows, or WeChat's error code when the JSON is not something WeChat accepts.
 */
export type Converted = { ok: true; entry: NewInboxEntry } | { ok: false; errcode: ErrCode; detail: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const fail = (errcode: ErrCode, detail: string): Converted => ({ ok: false, errcode, detail });

export function customMessage(body: Record<string, unknown>): Converted {
  const type = str(body.msgtype);
  const part = type ? body[type] : undefined;
  if (!type || !isObject(part)) return fail(40008, `msgtype ${JSON.stringify(type)} with a matching object is required`);
  const base = { direction: 'in' as const, channel: 'custom' as const, msgType: type };
  switch (type) {
    case 'text': {
      const content = str(part.content);
      if (!content) return fail(44004, 'text.content is empty');
      return { ok: true, entry: { ...base, content } };
    }
    case 'image':
    case 'voice':
    case 'mpnews': {
      const mediaId = str(part.media_id);
      if (!mediaId) return fail(40007, `${type}.media_id is required`);
      return { ok: true, entry: { ...base, mediaId } };
    }
    case 'video': {
      const mediaId = str(part.media_id);
      if (!mediaId) return fail(40007, 'video.media_id is required');
      return { ok: true, entry: { ...base, mediaId, title: str(part.title), description: str(part.description) } };
    }
    case 'music': {
      const musicUrl = str(part.musicurl);
      if (!musicUrl) return fail(47001, 'music.musicurl is required');
      return { ok: true, entry: { ...base, musicUrl, title: str(part.title), description: str(part.description) } };
    }
    case 'news': {
      const articles = Array.isArray(part.articles) ? part.articles.filter(isObject) : [];
      if (articles.length === 0) return fail(47001, 'news.articles must hold an article');
      return { ok: true, entry: { ...base, articles: articles.map(customArticle) } };
    }
    case 'mpnewsarticle': {
      const articleId = str(part.article_id);
      if (!articleId) return fail(47001, 'mpnewsarticle.article_id is required');
      return { ok: true, entry: { ...base, mediaId: articleId } };
    }
    case 'msgmenu': {
      const list = Array.isArray(part.list) ? part.list.filter(isObject) : [];
      const lines = [str(part.head_content), ...list.map((i) => str(i.content)), str(part.tail_content)].filter((l): l is string => !!l);
      if (list.length === 0) return fail(47001, 'msgmenu.list must hold an item');
      return { ok: true, entry: { ...base, content: lines.join('\n') } };
    }
    case 'miniprogrampage': {
      const title = str(part.title);
      if (!str(part.appid) || !str(part.pagepath)) return fail(47001, 'miniprogrampage needs appid and pagepath');
      return { ok: true, entry: { ...base, title, url: str(part.pagepath) } };
    }
    case 'wxcard':
      return { ok: true, entry: { ...base, content: str(part.card_id) } };
    default:
      return fail(40008, `msgtype ${type} is not a customer-service message type`);
  }
}

function customArticle(a: Record<string, unknown>): Article {
  return { title: str(a.title) ?? '', description: str(a.description), url: str(a.url), picUrl: str(a.picurl) };
}

export function templateMessage(body: Record<string, unknown>, knownTemplateIds: readonly string[]): Converted {
  const templateId = str(body.template_id);
  if (!templateId || (knownTemplateIds.length > 0 && !knownTemplateIds.includes(templateId)))
    return fail(40037, 'template_id is not a template of this account');
  if (!isObject(body.data)) return fail(47001, 'data must be an object of {"keyword": {"value": "…"}}');
  const data: Record<string, { value: string; color?: string }> = {};
  for (const [k, v] of Object.entries(body.data)) {
    if (!isObject(v) || (typeof v.value !== 'string' && typeof v.value !== 'number')) return fail(47001, `data.${k}.value must be a string`);
    data[k] = { value: String(v.value), ...(typeof v.color === 'string' ? { color: v.color } : {}) };
  }
  const url = str(body.url);
  return { ok: true, entry: { direction: 'in', channel: 'template', msgType: 'template', templateId, data, ...(url ? { url } : {}) } };
}
