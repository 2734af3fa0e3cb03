import { importJobPorts, importJobStarter } from '../lib/app/importJobStarter';
import { runImportJob } from '../lib/import/importJobs';
import { sqsWorker } from '../lib/lambda/appHandler';
import { log } from '../lib/observability/log';
import { importJobMessageSchema } from '../lib/queue/messages';

/** Leave this much of the invocation for handing the rest of a job back to the queue. */
const SAFETY_MS = 30_000;

/**
 * The import worker (SQS, one job a message): works through a job's chunks; when its time runs short
 * it puts the job back on the queue for a fresh invocation to continue.
 */
export const handler = sqsWorker({
  what: 'import job',
  schema: importJobMessageSchema,
  fields: (m) => m,
  ports: (app) => ({ job: importJobPorts(app), continueJob: importJobStarter(app) }),
  async handle({ jobId }, { job, continueJob }, _record, context) {
    const deadline = Date.now() + (context.getRemainingTimeInMillis?.() ?? 900_000) - SAFETY_MS;
    const done = await runImportJob(job, jobId, deadline);
    if (!done) await continueJob(jobId);
    log.info('import job', { jobId, done });
  },
});
