import type { ConversationMessage } from './message';

export interface HistoryPage {
  /** Newest first. */
  messages: ConversationMessage[];
  /** Pass back for the next (older) page; absent on the last page. */
  cursor?: string;
}

/**
 * A member's conversation, kept in their partition (erasure deletes it with them) for the retention
 * period (a TTL). One `record` call is one write: a push and its passive reply go in together.
 */
export interface HistoryStore {
  /** Stores messages that belong together (a push and its reply) as one item; at most one write. */
  record(openid: string, messages: readonly ConversationMessage[]): Promise<void>;
  /** Outbound messages to many members at once (a mass send): batched writes. */
  recordMany(entries: readonly { openid: string; message: ConversationMessage }[]): Promise<void>;
  page(openid: string, opts: { cursor?: string; limit: number }): Promise<HistoryPage>;
}

export const DEFAULT_RETENTION_DAYS = 180;
