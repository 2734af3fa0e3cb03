import type { InboundMessage } from '../wechat/message';
import type { Reply } from '../wechat/reply';
import type { XmlValue } from '../wechat/xml';
import type { ConversationMessage, MessageBody, SentBy } from './message';

const str = (v: XmlValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: XmlValue | undefined): number | undefined => {
  const n = Number(str(v));
  return str(v) !== undefined && Number.isFinite(n) ? n : undefined;
};
/** Drops absent fields: DynamoDB's document client refuses undefined values in a map. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** What a follower's push says, as the history keeps it (media by media id; the bytes are fetched on demand). */
export function inboundBody(m: InboundMessage): MessageBody {
  const x = m.raw;
  switch (m.kind) {
    case 'text':
      return { kind: 'text', text: m.content };
    case 'image':
      return defined({ kind: m.kind, mediaId: str(x.MediaId), url: str(x.PicUrl) });
    case 'voice':
    case 'video':
    case 'shortvideo':
      return defined({ kind: m.kind, mediaId: str(x.MediaId) });
    case 'location':
      return defined({ kind: 'location', latitude: num(x.Location_X), longitude: num(x.Location_Y), label: str(x.Label) });
    case 'link':
      return defined({ kind: 'link', title: str(x.Title), url: str(x.Url), description: str(x.Description) });
    case 'event':
      return defined({ kind: 'event', event: m.event, key: eventKeyOf(m) });
  }
}

/** The event's key: the menu key, the QR scene, or where the follower was (LOCATION has no EventKey). */
function eventKeyOf(m: Extract<InboundMessage, { kind: 'event' }>): string | undefined {
  if (m.event === 'LOCATION') {
    const lat = num(m.raw.Latitude);
    const lng = num(m.raw.Longitude);
    return lat !== undefined && lng !== undefined ? `${lat},${lng}` : undefined;
  }
  return m.eventKey || undefined;
}

export function inboundMessage(m: InboundMessage, id: string, at: string): ConversationMessage {
  return { ...inboundBody(m), id, direction: 'in', at, by: { kind: 'follower' } };
}

/** A passive reply as the history keeps it; `none` (answered `success`) is no message. */
export function replyBody(reply: Reply): MessageBody | undefined {
  switch (reply.type) {
    case 'none':
      return undefined;
    case 'text':
      return { kind: 'text', text: reply.content };
    case 'image':
    case 'voice':
      return { kind: reply.type, mediaId: reply.mediaId };
    case 'video':
      return { kind: 'video', mediaId: reply.mediaId };
    case 'music':
      return defined({ kind: 'link' as const, title: reply.title, url: reply.musicUrl, description: reply.description });
    case 'news':
      return { kind: 'news', articles: reply.articles.map((a) => defined({ title: a.title, description: a.description, url: a.url, picUrl: a.picUrl })) };
    case 'transfer_customer_service':
      return { kind: 'transfer' };
  }
}

export function replyMessage(reply: Reply, id: string, at: string, by: SentBy): ConversationMessage | undefined {
  const body = replyBody(reply);
  return body && { ...body, id, direction: 'out', at, by };
}
