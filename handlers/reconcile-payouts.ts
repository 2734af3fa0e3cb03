import middy from '@middy/core';
import { payoutPorts } from '../lib/app/payouts';
import { getRuntime } from '../lib/app/runtime';
import { log } from '../lib/observability/log';
import { reconcilePayouts } from '../lib/payouts/processPayout';

/** Every 5 minutes: steps every open payout order that is due (resend pending ones under their ref, query the rest). */
export async function runPayoutReconciliation() {
  const rt = await getRuntime();
  const ports = await payoutPorts(rt);
  if (!ports) return { skipped: 'WeChat Pay is not configured' };
  const counts = await reconcilePayouts(ports, { olderThanMs: 60_000 });
  if (Object.keys(counts).length) log.info('payout reconciliation', counts);
  return counts;
}

export const handler = middy().handler(runPayoutReconciliation);
