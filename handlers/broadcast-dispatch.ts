import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dispatchBroadcasts, dispatchPorts } from '../lib/app/broadcast';
import { getRuntime } from '../lib/app/runtime';
import { log } from '../lib/observability/log';
import { reengagePorts } from '../lib/app/reengage';
import { runReengagement } from '../lib/reengage/runReengagement';

/** Leave this much of the invocation for saving the cursor of the page in hand. */
const SAFETY_MS = 10_000;

/**
 * Every minute: due broadcasts, their audiences read page by page into the send queue; then the
 * re-engagement rules (level changes every minute, daily rules from their local time).
 */
export async function handleDispatch(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const rt = await getRuntime();
  const budget = () => Math.max(1_000, (context?.getRemainingTimeInMillis?.() ?? 50_000) - SAFETY_MS);
  const broadcasts = await dispatchBroadcasts(dispatchPorts(rt), budget() / 2);
  if (Object.keys(broadcasts.queued).length || broadcasts.held.length) log.info('broadcasts dispatched', { ...broadcasts });
  const reengagement = await runReengagement(reengagePorts(rt), budget());
  const touched = reengagement.filter((r) => r.candidates > 0);
  if (touched.length) log.info('re-engagement rules ran', { runs: touched });
  return { broadcasts, reengagement };
}

export const handler = middy().handler(handleDispatch);
