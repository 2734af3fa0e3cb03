import { dispatchBroadcasts, dispatchPorts } from '../lib/app/broadcast';
import { reengagePorts } from '../lib/app/reengage';
import { appHandler } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { runReengagement } from '../lib/reengage/runReengagement';

/** Leave this much of the invocation for saving the cursor of the page in hand. */
const SAFETY_MS = 10_000;

/**
 * Every minute: due broadcasts, their audiences read page by page into the send queue; then the
 * re-engagement rules (level changes every minute, daily rules from their local time).
 */
export const handler = appHandler(async (_event: unknown, app, context) => {
  const budget = () => Math.max(1_000, (context.getRemainingTimeInMillis?.() ?? 50_000) - SAFETY_MS);
  const broadcasts = await dispatchBroadcasts(dispatchPorts(app), budget() / 2);
  if (Object.keys(broadcasts.queued).length || broadcasts.held.length) log.info('broadcasts dispatched', { ...broadcasts });
  const reengagement = await runReengagement(reengagePorts(app), budget());
  const touched = reengagement.filter((r) => r.candidates > 0);
  if (touched.length) log.info('re-engagement rules ran', { runs: touched });
  return { broadcasts, reengagement };
});
