/**
 * One message of a member's conversation with the account, as the history keeps it: what the
 * follower sent (`in`), what went out to them (`out`: passive replies, customer-service messages,
 * notices, mass sends, agent replies) and the team's internal notes (`note`, never sent).
 */
export type Direction = 'in' | 'out' | 'note';

/** Who or what sent an outbound message (or wrote a note); inbound messages are the follower's. */
export type SentBy =
  | { kind: 'follower' }
  | { kind: 'rule'; id: string }
  | { kind: 'welcome'; id: string }
  | { kind: 'default'; id: string }
  | { kind: 'action'; name: string }
  | { kind: 'campaign'; id: string }
  | { kind: 'broadcast'; id: string }
  | { kind: 'reengagement'; id: string }
  | { kind: 'notice'; what: string }
  | { kind: 'handoff' }
  | { kind: 'agent'; id: string; name: string }
  | { kind: 'apology' };

export type MessageBody =
  | { kind: 'text'; text: string }
  | { kind: 'image' | 'voice' | 'video' | 'shortvideo'; mediaId?: string; url?: string }
  | { kind: 'location'; latitude?: number; longitude?: number; label?: string }
  | { kind: 'link'; title?: string; url?: string; description?: string }
  | { kind: 'event'; event: string; key?: string }
  | { kind: 'news'; articles: { title: string; description?: string; url?: string; picUrl?: string }[] }
  | { kind: 'template'; templateId: string; data: Record<string, { value: string }>; url?: string }
  | { kind: 'transfer' };

export type ConversationMessage = MessageBody & {
  /** Unique within the member's history (a push's dedup key, or an id made when sending). */
  id: string;
  direction: Direction;
  /** ISO time. */
  at: string;
  by: SentBy;
};

/** A short one-line text for lists (the inbox's last message). */
export function previewOf(m: MessageBody): string {
  switch (m.kind) {
    case 'text':
      return m.text.length > 60 ? `${m.text.slice(0, 59)}…` : m.text;
    case 'image':
      return '[图片]';
    case 'voice':
      return '[语音]';
    case 'video':
    case 'shortvideo':
      return '[视频]';
    case 'location':
      return `[位置] ${m.label ?? ''}`.trim();
    case 'link':
      return `[链接] ${m.title ?? ''}`.trim();
    case 'event':
      return `[${m.event}${m.key ? ` ${m.key}` : ''}]`;
    case 'news':
      return `[图文] ${m.articles[0]?.title ?? ''}`.trim();
    case 'template':
      return '[服务通知]';
    case 'transfer':
      return '[转接微信客服]';
  }
}
