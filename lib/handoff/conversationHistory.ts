import { BadHistoryCursor } from '../history/dynamoHistoryStore';
import type { HistoryPage, HistoryStore } from '../history/historyStore';
import { invalidField, notFound, ok, type Result } from '../result';
import type { InboxStore } from './inboxStore';

/** A member's conversation, newest first, a page at a time (older pages with the cursor). */
export async function conversationHistory(
  ports: { inbox: Pick<InboxStore, 'member'>; history: HistoryStore },
  openid: string,
  page: { cursor?: string; limit: number },
): Promise<Result<HistoryPage>> {
  try {
    const [member, messages] = await Promise.all([ports.inbox.member(openid), ports.history.page(openid, page)]);
    return member ? ok(messages) : notFound(`no member ${openid}`);
  } catch (err) {
    if (err instanceof BadHistoryCursor) return invalidField('cursor', err.message);
    throw err;
  }
}
