import type { MessageBody } from '../history/message';
import type { CustomMessage } from '../wechat/api';

/** What an agent sends a follower (a reply, or a saved quick reply). */
export type AgentMessage =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaId: string }
  | { type: 'news'; article: { title: string; description?: string; url: string; picUrl?: string } };

/** The customer-service message WeChat takes for it. */
export function customMessageOf(touser: string, m: AgentMessage): CustomMessage {
  switch (m.type) {
    case 'text':
      return { touser, msgtype: 'text', text: { content: m.text } };
    case 'image':
      return { touser, msgtype: 'image', image: { media_id: m.mediaId } };
    case 'news': {
      const { title, description, url, picUrl } = m.article;
      return { touser, msgtype: 'news', news: { articles: [{ title, url, ...(description ? { description } : {}), ...(picUrl ? { picurl: picUrl } : {}) }] } };
    }
  }
}

/** The message as the conversation history keeps it. */
export function historyBodyOf(m: AgentMessage): MessageBody {
  switch (m.type) {
    case 'text':
      return { kind: 'text', text: m.text };
    case 'image':
      return { kind: 'image', mediaId: m.mediaId };
    case 'news':
      return { kind: 'news', articles: [m.article] };
  }
}
