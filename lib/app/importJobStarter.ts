import { runImportJob } from '../import/importJobs';
import { describeError, log } from '../observability/log';
import { levelsDocument } from './crm';
import type { App } from './createApp';

/** The import worker's ports (handlers/import-worker). */
export function importJobPorts(app: App) {
  return { table: app.table, levels: () => levelsDocument(app).get(), now: () => app.clock.now() };
}

/**
 * Starts (or continues) an import job: a message on the import queue, drained by the import worker
 * (AWS, and local-aws-sqs under `npm start`). With no queue configured the job runs in this process,
 * in the background.
 */
export function importJobStarter(app: App): (jobId: string) => Promise<void> {
  if (app.config.queues.importJobs) return (jobId) => app.queues.importJobs.send([{ jobId }]);
  return async (jobId) => {
    void runImportJob(importJobPorts(app), jobId, Number.POSITIVE_INFINITY).catch((err: unknown) => log.error('import job failed', { jobId, ...describeError(err) }));
  };
}
