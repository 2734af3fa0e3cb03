import { createHash } from 'node:crypto';
import type { XmlObject, XmlValue } from './xml';

/** What a follower (or WeChat on their behalf) pushed to us, after decryption. */
export interface InboundBase {
  toUser: string;
  /** The follower's openid. */
  openid: string;
  /** Seconds, as WeChat sends it. */
  createTime: number;
  raw: XmlObject;
}

export interface TextMessage extends InboundBase {
  kind: 'text';
  msgId: string;
  content: string;
}
export interface MediaMessage extends InboundBase {
  kind: 'image' | 'voice' | 'video' | 'shortvideo' | 'location' | 'link';
  msgId: string;
}
export interface EventMessage extends InboundBase {
  kind: 'event';
  /** Lower-case for subscribe/unsubscribe as WeChat sends them; upper-case names kept as sent. */
  event: string;
  eventKey: string;
  ticket?: string;
}
export type InboundMessage = TextMessage | MediaMessage | EventMessage;

export class InboundFormatError extends Error {}

const MEDIA_KINDS = new Set(['image', 'voice', 'video', 'shortvideo', 'location', 'link']);

function text(v: XmlValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function required(obj: XmlObject, name: string): string {
  const v = text(obj[name]);
  if (v === undefined || v === '') throw new InboundFormatError(`missing ${name}`);
  return v;
}

export function toInboundMessage(xml: XmlObject): InboundMessage {
  const base = {
    toUser: required(xml, 'ToUserName'),
    openid: required(xml, 'FromUserName'),
    createTime: Number(required(xml, 'CreateTime')),
    raw: xml,
  };
  if (!Number.isSafeInteger(base.createTime) || base.createTime < 0) throw new InboundFormatError('bad CreateTime');
  if (base.openid.length > 128) throw new InboundFormatError('FromUserName too long');
  const type = required(xml, 'MsgType');
  if (type === 'event') {
    const ticket = text(xml.Ticket);
    return {
      ...base,
      kind: 'event',
      event: required(xml, 'Event'),
      eventKey: text(xml.EventKey) ?? '',
      ...(ticket ? { ticket } : {}),
    };
  }
  // MsgId exceeds 2^53: it stays a string.
  const msgId = text(xml.MsgId) ?? text(xml.MsgID) ?? '';
  if (type === 'text') return { ...base, kind: 'text', msgId, content: text(xml.Content) ?? '' };
  if (MEDIA_KINDS.has(type)) return { ...base, kind: type as MediaMessage['kind'], msgId };
  throw new InboundFormatError(`unknown MsgType ${type.slice(0, 32)}`);
}

/** Dedup keys become DynamoDB key values (≤ 2048 bytes for a partition key, ≤ 1024 for a sort key). */
const MAX_DEDUP_KEY_BYTES = 512;

/**
 * WeChat's own dedup rule: MsgId alone collides across followers, events have none.
 * FromUserName + CreateTime + MsgId for messages, + Event + EventKey for events.
 * Nothing bounds EventKey or MsgId in a signed push, so a longer key is replaced by its SHA-256,
 * after the openid: a key always starts with `<openid>|`, so the dedup record lives with the member
 * and erasure finds it (lib/conversation/dynamoDedupStore.ts).
 */
export function dedupKey(m: InboundMessage): string {
  // Job reports (TEMPLATESENDJOBFINISH…) have no EventKey but a MsgID: two in one second differ by it.
  const jobMsgId = m.kind === 'event' ? text(m.raw.MsgID) : undefined;
  const key =
    m.kind === 'event' ? `${m.openid}|${m.createTime}|${m.event}|${m.eventKey}${jobMsgId ? `|${jobMsgId}` : ''}` : `${m.openid}|${m.createTime}|${m.msgId}`;
  if (Buffer.byteLength(key, 'utf8') <= MAX_DEDUP_KEY_BYTES) return key;
  return `${m.openid}|sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
