import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock';
import type { HistoryStore } from '../history/historyStore';
import type { MessageBody, SentBy } from '../history/message';
import { describeError, log } from '../observability/log';
import { isInsideServiceWindow } from '../members/member';
import type { MemberStore } from '../members/memberStore';
import type { ApiError } from '../wechat/apiResult';
import type { WeChatApi } from '../wechat/api';

/** A service notice told two ways: free text inside the 48-hour window, a template notice outside it. */
export interface MemberNotice {
  text: string;
  template?: { templateId: string; data: Record<string, { value: string }>; url?: string };
  /** Makes a template send idempotent on WeChat's side (45065 on reuse). */
  clientMsgId?: string;
  /** Who or what sends it, for the member's conversation history (a campaign, a re-engagement rule…). */
  by?: SentBy;
}

export type NoticeResult = { sent: 'custom' | 'template' } | { skipped: 'unsubscribed' | 'no-member' | 'no-template' } | { failed: ApiError };

export interface NoticePorts {
  members: Pick<MemberStore, 'get'>;
  api: Pick<WeChatApi, 'sendCustomMessage' | 'sendTemplateMessage'>;
  clock: Clock;
  /** Where what was sent is kept; a failure to keep it never fails the notice. */
  history?: Pick<HistoryStore, 'record'>;
}

export async function notifyMember(ports: NoticePorts, openid: string, notice: MemberNotice): Promise<NoticeResult> {
  const member = await ports.members.get(openid);
  if (!member) return { skipped: 'no-member' };
  if (!member.subscribed) return { skipped: 'unsubscribed' };
  if (isInsideServiceWindow(member, ports.clock.now())) {
    const sent = await ports.api.sendCustomMessage({ touser: openid, msgtype: 'text', text: { content: notice.text } });
    if (sent.ok) return recorded(ports, openid, notice, { kind: 'text', text: notice.text }, { sent: 'custom' });
    // Our idea of the window can lag WeChat's (a message we never saw); a template notice still reaches them.
    if (sent.error.kind !== 'window') return { failed: sent.error };
  }
  if (!notice.template) return { skipped: 'no-template' };
  const sent = await ports.api.sendTemplateMessage({
    touser: openid,
    template_id: notice.template.templateId,
    url: notice.template.url,
    data: notice.template.data,
    client_msg_id: notice.clientMsgId,
  });
  if (sent.ok || sent.error.kind === 'duplicate') {
    const { templateId, data, url } = notice.template;
    return recorded(ports, openid, notice, { kind: 'template', templateId, data, ...(url ? { url } : {}) }, { sent: 'template' });
  }
  return { failed: sent.error };
}

async function recorded(ports: NoticePorts, openid: string, notice: MemberNotice, body: MessageBody, result: NoticeResult): Promise<NoticeResult> {
  const message = {
    ...body,
    id: notice.clientMsgId ?? randomUUID(),
    direction: 'out' as const,
    at: new Date(ports.clock.now()).toISOString(),
    by: notice.by ?? { kind: 'notice' as const, what: 'notice' },
  };
  await ports.history
    ?.record(openid, [message])
    .catch((err: unknown) => log.warn('notice sent but not kept in the history', { openid, ...describeError(err) }));
  return result;
}
