import { payoutPorts } from '../lib/app/payouts';
import { appHandler } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { reconcilePayouts } from '../lib/payouts/processPayout';

/** Every 5 minutes: steps every open payout order that is due (resend pending ones under their ref, query the rest). */
export const handler = appHandler(async (_event: unknown, app) => {
  const ports = await payoutPorts(app);
  if (!ports) return { skipped: 'WeChat Pay is not configured' };
  const counts = await reconcilePayouts(ports, { olderThanMs: 60_000 });
  if (Object.keys(counts).length) log.info('payout reconciliation', counts);
  return counts;
});
