import type { Clock } from '../clock/clock';
import { isInsideServiceWindow } from '../members/member';
import type { MemberStore } from '../members/memberStore';
import type { ApiResult } from '../wechat/apiResult';
import type { WeChatApi } from '../wechat/api';
import type { BroadcastRecord } from './broadcast';

export interface PreviewPorts {
  members: Pick<MemberStore, 'get'>;
  api: () => Promise<Pick<WeChatApi, 'sendCustomMessage' | 'sendTemplateMessage' | 'previewMassMessage'>>;
  clock: Clock;
}

export type PreviewResult = {
  openid: string;
  channel?: 'custom' | 'template' | 'mass';
  result: 'sent' | 'skipped' | 'failed';
  reason?: string;
  errcode?: number;
};

/**
 * Sends the broadcast to test openids now, on the channel each would get (window rules apply;
 * segment, quiet hours and caps do not). Nothing is counted or remembered: a preview is not a send.
 */
export async function previewBroadcast(ports: PreviewPorts, b: BroadcastRecord, openids: readonly string[]): Promise<PreviewResult[]> {
  const api = await ports.api();
  const m = b.config.message;
  const results: PreviewResult[] = [];
  for (const openid of openids) {
    const member = await ports.members.get(openid);
    if (member && !member.subscribed) {
      results.push({ openid, result: 'skipped', reason: 'unsubscribed' });
      continue;
    }
    let channel: PreviewResult['channel'];
    let r: ApiResult<unknown>;
    if (m.channel === 'mass') {
      channel = 'mass';
      r = await api.previewMassMessage(
        m.text !== undefined
          ? { touser: openid, msgtype: 'text', text: { content: m.text } }
          : { touser: openid, msgtype: 'mpnews', mpnews: { media_id: m.mediaId! } },
      );
    } else if (m.channel === 'custom' && member && isInsideServiceWindow(member, ports.clock.now())) {
      channel = 'custom';
      r = await api.sendCustomMessage({ touser: openid, msgtype: 'text', text: { content: m.text } });
    } else {
      const notice = m.channel === 'template' ? m : m.outsideWindow;
      if (!notice) {
        results.push({ openid, channel: 'custom', result: 'skipped', reason: 'outside-window' });
        continue;
      }
      channel = 'template';
      r = await api.sendTemplateMessage({ touser: openid, template_id: notice.templateId, data: notice.data, url: notice.url });
    }
    results.push(
      r.ok
        ? { openid, channel, result: 'sent' }
        : { openid, channel, result: 'failed', errcode: r.error.errcode, reason: r.error.errmsg.replace(/ rid: .*$/, '') },
    );
  }
  return results;
}
