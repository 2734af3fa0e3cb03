import { payoutPorts } from '../lib/app/payouts';
import { sqsWorker } from '../lib/lambda/appHandler';
import { metric } from '../lib/observability/metrics';
import { processPayout } from '../lib/payouts/processPayout';
import { payoutMessageSchema } from '../lib/queue/messages';

/**
 * The payout worker (SQS, batches of 10, reserved concurrency keeps it under WeChat Pay's 100 QPS).
 * An order whose answer was lost is reported as a batch item failure, so SQS hands it back later;
 * the ref never changes, so a redelivery can never pay twice. A held order (refused for a reason that
 * can clear) and a stale step (another worker has the order) are done here: the reconciliation retries
 * held orders with backoff.
 */
export const handler = sqsWorker({
  what: 'payout',
  schema: payoutMessageSchema,
  fields: (m) => m,
  async ports(app) {
    const ports = await payoutPorts(app);
    if (!ports) throw new Error('payout worker: WeChat Pay is not configured');
    return ports;
  },
  async handle({ ref }, ports) {
    const step = await processPayout(ports, ref);
    metric('PayoutSteps', 1, 'Count', { state: step });
    return step === 'retry-later' ? 'retry-later' : undefined;
  },
});
