import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { levelsDocument } from '../lib/app/crm';
import { importJobStarter } from '../lib/app/importJobStarter';
import { getRuntime } from '../lib/app/runtime';
import { runImportJob } from '../lib/import/importJobs';
import { log } from '../lib/observability/log';

/** Works through an import job's chunks; when its time runs short it hands the rest to a fresh invocation. */
export async function workImportJob(event: { jobId?: string }, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  if (typeof event?.jobId !== 'string') return { error: 'jobId is required' };
  const rt = await getRuntime();
  const deadline = Date.now() + context.getRemainingTimeInMillis() - 30_000;
  const done = await runImportJob({ table: rt.table, levels: () => levelsDocument(rt).get(), now: () => rt.clock.now() }, event.jobId, deadline);
  if (!done) await importJobStarter(rt)(event.jobId);
  log.info('import job', { jobId: event.jobId, done });
  return { jobId: event.jobId, done };
}

export const handler = middy<{ jobId?: string }>().handler(workImportJob);
