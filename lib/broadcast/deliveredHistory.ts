import type { HistoryStore } from '../history/historyStore';
import type { ConversationMessage, MessageBody } from '../history/message';
import { describeError, log } from '../observability/log';
import type { BroadcastRecord } from './broadcast';
import type { Outcome, SendChannel } from './deliveryStore';

/** What a member received from a broadcast on a channel, as their history keeps it. */
function bodyOf(b: BroadcastRecord, channel: SendChannel): MessageBody | undefined {
  const m = b.config.message;
  const notice = m.channel === 'template' ? m : m.channel === 'custom' ? m.outsideWindow : undefined;
  if (channel === 'template' && notice)
    return { kind: 'template', templateId: notice.templateId, data: notice.data, ...(notice.url ? { url: notice.url } : {}) };
  if (m.channel === 'custom') return { kind: 'text', text: m.text };
  if (m.channel === 'mass')
    return m.text !== undefined
      ? { kind: 'text', text: m.text }
      : { kind: 'news', articles: [{ title: b.config.name ?? '图文消息', description: `mpnews ${m.mediaId}` }] };
  return undefined;
}

/**
 * Keeps what a chunk delivered in each member's history (one batch per chunk). Members a chunk
 * settles are final, so a redelivery of the chunk does not record them again. A failure to keep it
 * never fails the send.
 */
export async function recordDelivered(history: Pick<HistoryStore, 'recordMany'> | undefined, b: BroadcastRecord, outcomes: readonly Outcome[], nowMs: number) {
  if (!history) return;
  const at = new Date(nowMs).toISOString();
  const entries = outcomes.flatMap((o) => {
    const body = o.state === 'sent' ? bodyOf(b, o.channel) : undefined;
    if (!body) return [];
    const message = { ...body, id: `broadcast:${b.id}`, direction: 'out', at, by: { kind: 'broadcast', id: b.id } } as ConversationMessage;
    return [{ openid: o.openid, message }];
  });
  await history
    .recordMany(entries)
    .catch((err: unknown) => log.warn('broadcast sent but not kept in the history', { broadcastId: b.id, ...describeError(err) }));
}
