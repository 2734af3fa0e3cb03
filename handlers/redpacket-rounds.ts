import { closeRoundPorts } from '../lib/app/redpacket';
import { appHandler } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { dynamoCampaignStore } from '../lib/redpacket/campaignStore';
import { tendRounds } from '../lib/redpacket/tendRounds';

/** Every minute: lay out rounds about to start, close rounds that ended. Reruns are no-ops. */
export const handler = appHandler(async (_event: unknown, app) => {
  const result = await tendRounds(closeRoundPorts(app), await dynamoCampaignStore(app.table).list(), app.clock.now());
  if (result.opened.length || result.closed.length) log.info('red-packet rounds', { ...result });
  return result;
});
