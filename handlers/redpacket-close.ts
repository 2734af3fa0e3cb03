import { closeRoundPorts } from '../lib/app/redpacket';
import { sqsWorker } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { roundCloseMessageSchema } from '../lib/queue/messages';
import { closeRound } from '../lib/redpacket/closeRound';

/**
 * The round-closing worker (SQS): a grab that took a round's last share hands the round here instead
 * of closing it on the follower's reply. Closing is idempotent (a closed round is left alone, a
 * closer that died is taken over after its lease, the winner is told at most once), so a redelivery
 * or the minute schedule closing the same round does no harm.
 */
export const handler = sqsWorker({
  what: 'round close',
  schema: roundCloseMessageSchema,
  fields: (m) => m,
  ports: closeRoundPorts,
  async handle({ campaignId, day }, ports) {
    const closed = await closeRound(ports, campaignId, day);
    log.info('emptied round', { campaignId, day, status: closed.status });
  },
});
