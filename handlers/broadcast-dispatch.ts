import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dispatchBroadcasts, dispatchPorts } from '../lib/app/broadcast';
import { getRuntime } from '../lib/app/runtime';
import { log } from '../lib/observability/log';

/** Leave this much of the invocation for saving the cursor of the page in hand. */
const SAFETY_MS = 10_000;

/** Every minute: due broadcasts, their audiences read page by page into the send queue. */
export async function handleDispatch(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const rt = await getRuntime();
  const budget = context?.getRemainingTimeInMillis?.() ?? 50_000;
  const report = await dispatchBroadcasts(dispatchPorts(rt), Math.max(1_000, budget - SAFETY_MS));
  if (Object.keys(report.queued).length || report.held.length) log.info('broadcasts dispatched', { ...report });
  return report;
}

export const handler = middy().handler(handleDispatch);
