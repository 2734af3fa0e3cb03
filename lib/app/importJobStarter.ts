import { runImportJob } from '../import/importJobs';
import { describeError, log } from '../observability/log';
import { levelsDocument } from './crm';
import type { Runtime } from './runtime';

/**
 * Starts (or continues) an import job. In AWS: an asynchronous invoke of the import worker. Under
 * serverless-offline: the same invoke against offline's Lambda endpoint. In tests and scripts: the
 * job runs in this process, in the background.
 */
export function importJobStarter(rt: Runtime): (jobId: string) => Promise<void> {
  const fn = process.env.IMPORT_WORKER_FUNCTION;
  const offline = !!process.env.IS_OFFLINE;
  const inAws = !!process.env.AWS_LAMBDA_FUNCTION_NAME && !offline;
  if (fn && (inAws || offline)) {
    return async (jobId) => {
      const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
      const client = offline
        ? new LambdaClient({ endpoint: `http://localhost:${process.env.OFFLINE_LAMBDA_PORT ?? 3002}`, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
        : new LambdaClient({});
      await client.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ jobId })) }));
    };
  }
  return async (jobId) => {
    void runImportJob({ table: rt.table, levels: () => levelsDocument(rt).get(), now: () => rt.clock.now() }, jobId, Number.POSITIVE_INFINITY).catch((err: unknown) =>
      log.error('import job failed', { jobId, ...describeError(err) }),
    );
  };
}
