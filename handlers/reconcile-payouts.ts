import { payoutPorts } from '../lib/app/payouts';
import { appHandler } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { countsBy, metric } from '../lib/observability/metrics';
import { reconcilePayouts } from '../lib/payouts/processPayout';

/**
 * Every 5 minutes: steps every open payout order that is due (resend pending ones under their ref,
 * query the rest). Reports the steps by state, and the age of the oldest order still held (0 when
 * none is), which the PayoutsHeldTooLongAlarm watches.
 */
export const handler = appHandler(async (_event: unknown, app) => {
  const ports = await payoutPorts(app);
  if (!ports) return { skipped: 'WeChat Pay is not configured' };
  let oldestHeld = Number.POSITIVE_INFINITY;
  const counts = await reconcilePayouts(ports, { olderThanMs: 60_000, onHeld: (p) => (oldestHeld = Math.min(oldestHeld, Date.parse(p.createdAt))) });
  if (Object.keys(counts).length) log.info('payout reconciliation', counts);
  countsBy('PayoutSteps', 'state', counts);
  const heldForMs = Number.isFinite(oldestHeld) ? Math.max(0, ports.clock.now() - oldestHeld) : 0;
  metric('OldestHeldPayoutAgeSeconds', Math.round(heldForMs / 1000), 'Seconds');
  return counts;
});
