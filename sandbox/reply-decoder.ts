import { decryptWithRotation, WeChatCryptoError } from '../lib/wechat/crypto';
import { isSameSignature, signParts } from '../lib/wechat/signature';
import { parseXml, XmlError, type XmlObject, type XmlValue } from '../lib/wechat/xml';
import type { MessageFields } from './state';

/**
 * Reads the app's passive reply the way WeChat does: `success` or an empty body means nothing to
 * show; in safe mode the reply must be `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`
 * with a valid MsgSignature and our appid inside; compatible mode takes either form.
 */
export type PushMode = 'plain' | 'aes' | 'compat';

export interface DecodedReply extends MessageFields {
  createTime: number;
}

export interface ReplyContext {
  mode: PushMode;
  token: string;
  appId: string;
  aesKey: Buffer;
  openid: string;
  originalId: string;
  /** WeChat allows 1 news article in reply to a message, up to 8 in reply to an event. */
  pushKind: 'message' | 'event';
}

export type ReplyOutcome = { reply: DecodedReply | null; error?: string; warnings: string[] };

const text = (v: XmlValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: XmlValue | undefined): XmlObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

export function decodeReply(raw: string, ctx: ReplyContext): ReplyOutcome {
  const warnings: string[] = [];
  const body = raw.trim();
  if (body === '' || body === 'success') return { reply: null, warnings };
  let xml: XmlObject;
  try {
    xml = parseXml(body).value;
    const encrypt = text(xml.Encrypt);
    if (encrypt !== undefined) {
      if (ctx.mode === 'plain') return fail('encrypted reply to a plain-mode push', warnings);
      const timestamp = text(xml.TimeStamp) ?? '';
      const nonce = text(xml.Nonce) ?? '';
      if (!isSameSignature(signParts([ctx.token, timestamp, nonce, encrypt]), text(xml.MsgSignature))) {
        return fail('reply MsgSignature does not match sha1(sort(token, TimeStamp, Nonce, Encrypt))', warnings);
      }
      xml = parseXml(decryptWithRotation([ctx.aesKey], ctx.appId, encrypt)).value;
    } else if (ctx.mode === 'aes') {
      return fail('safe mode needs an encrypted reply (<Encrypt>, <MsgSignature>, <TimeStamp>, <Nonce>)', warnings);
    }
  } catch (err) {
    if (err instanceof XmlError) return fail(`reply is not valid XML: ${err.message}`, warnings);
    if (err instanceof WeChatCryptoError) return fail(`cannot decrypt the reply: ${err.reason}`, warnings);
    throw err;
  }
  return readReply(xml, ctx, warnings);
}

function fail(error: string, warnings: string[]): ReplyOutcome {
  return { reply: null, error, warnings };
}

function readReply(xml: XmlObject, ctx: ReplyContext, warnings: string[]): ReplyOutcome {
  const to = text(xml.ToUserName);
  if (to !== ctx.openid) return fail(`reply ToUserName ${JSON.stringify(to)} is not the follower ${ctx.openid}`, warnings);
  if (text(xml.FromUserName) !== ctx.originalId) warnings.push(`reply FromUserName should be the account's original id ${ctx.originalId}`);
  const createTime = Number(text(xml.CreateTime));
  if (!Number.isFinite(createTime) || createTime <= 0) return fail('reply CreateTime is missing or not a number', warnings);
  if (createTime > 1e11) warnings.push('reply CreateTime looks like milliseconds; WeChat expects seconds');
  const msgType = text(xml.MsgType) ?? '';
  const base = { msgType, createTime };
  switch (msgType) {
    case 'text':
      return { reply: { ...base, content: text(xml.Content) ?? '' }, warnings };
    case 'image':
    case 'voice': {
      const part = obj(xml[msgType === 'image' ? 'Image' : 'Voice']);
      const mediaId = text(part.MediaId);
      if (!mediaId) return fail(`${msgType} reply without MediaId`, warnings);
      return { reply: { ...base, mediaId }, warnings };
    }
    case 'video': {
      const v = obj(xml.Video);
      const mediaId = text(v.MediaId);
      if (!mediaId) return fail('video reply without MediaId', warnings);
      return { reply: { ...base, mediaId, title: text(v.Title), description: text(v.Description) }, warnings };
    }
    case 'music': {
      const m = obj(xml.Music);
      return {
        reply: {
          ...base,
          title: text(m.Title),
          description: text(m.Description),
          musicUrl: text(m.MusicUrl),
          hqMusicUrl: text(m.HQMusicUrl),
          thumbMediaId: text(m.ThumbMediaId),
        },
        warnings,
      };
    }
    case 'news':
      return readNews(xml, base, ctx.pushKind === 'message' ? 1 : 8, warnings);
    case 'transfer_customer_service':
      return { reply: { ...base, kfAccount: text(obj(xml.TransInfo).KfAccount) }, warnings };
    default:
      return fail(`reply MsgType ${JSON.stringify(msgType)} is not a passive reply type`, warnings);
  }
}

function readNews(xml: XmlObject, base: { msgType: string; createTime: number }, max: number, warnings: string[]): ReplyOutcome {
  const items = obj(xml.Articles).item;
  const list = (Array.isArray(items) ? items : items === undefined ? [] : [items]).map(obj);
  if (list.length === 0) return fail('news reply without Articles/item', warnings);
  if (Number(text(xml.ArticleCount)) !== list.length) warnings.push(`ArticleCount ${text(xml.ArticleCount)} does not match ${list.length} item(s)`);
  if (list.length > max) warnings.push(`WeChat shows at most ${max} article(s) in a news reply to this kind of push`);
  const articles = list.map((a) => ({ title: text(a.Title) ?? '', description: text(a.Description), picUrl: text(a.PicUrl), url: text(a.Url) }));
  return { reply: { ...base, articles }, warnings };
}
