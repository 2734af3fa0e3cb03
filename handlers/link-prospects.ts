import { levelsDocument } from '../lib/app/crm';
import { linkPendingProspects } from '../lib/import/linkProspects';
import { appHandler } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';

/**
 * Every minute: new subscribers noted by the callback are asked for their unionid
 * (/cgi-bin/user/info) and merged with the prospect imported under it, if any.
 */
export const handler = appHandler(async (_event: unknown, app) => {
  const summary = await linkPendingProspects({ table: app.table, api: app.wechatApi, levels: () => levelsDocument(app).get(), clock: app.clock });
  if (summary.checked) log.info('prospect linking', { ...summary });
  return summary;
});
