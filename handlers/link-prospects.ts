import middy from '@middy/core';
import { levelsDocument } from '../lib/app/crm';
import { getRuntime } from '../lib/app/runtime';
import { weChatApi } from '../lib/app/wechatApi';
import { linkPendingProspects } from '../lib/import/linkProspects';
import { log } from '../lib/observability/log';

/**
 * Every minute: new subscribers noted by the callback are asked for their unionid
 * (/cgi-bin/user/info) and merged with the prospect imported under it, if any.
 */
export async function linkProspects() {
  const rt = await getRuntime();
  const summary = await linkPendingProspects({ table: rt.table, api: weChatApi(rt), levels: () => levelsDocument(rt).get(), clock: rt.clock });
  if (summary.checked) log.info('prospect linking', { ...summary });
  return summary;
}

export const handler = middy().handler(linkProspects);
