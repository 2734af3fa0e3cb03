import middy from '@middy/core';
import { closeRoundPorts } from '../lib/app/redpacket';
import { getRuntime } from '../lib/app/runtime';
import { log } from '../lib/observability/log';
import { dynamoCampaignStore } from '../lib/redpacket/campaignStore';
import { tendRounds } from '../lib/redpacket/tendRounds';

/** Every minute: lay out rounds about to start, close rounds that ended. Reruns are no-ops. */
export async function runRedPacketRounds() {
  const rt = await getRuntime();
  const result = await tendRounds(closeRoundPorts(rt), await dynamoCampaignStore(rt.table).list(), rt.clock.now());
  if (result.opened.length || result.closed.length) log.info('red-packet rounds', { ...result });
  return result;
}

export const handler = middy().handler(runRedPacketRounds);
