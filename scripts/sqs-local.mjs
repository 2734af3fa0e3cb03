// Starts local-aws-sqs (pure Node, both SQS protocols) in this process, on the account id the
// code and serverless-offline-sqs use for local queue URLs and ARNs (000000000000).
import { createSqsServer } from 'local-aws-sqs';

/**
 * @param {{ port?: number, region?: string }} opts port 0 (default) picks a free port
 * @returns {Promise<{ endpoint: string, port: number, stop: () => Promise<void> }>}
 */
export async function startSqsLocal(opts = {}) {
  const server = await createSqsServer({
    port: opts.port ?? 0,
    hostname: 'localhost',
    region: opts.region ?? 'us-east-1',
    accountId: '000000000000',
    // Tests create queues with unique names; a restart of the local stack recreates the same names.
    emulateQueueCreationLifecycle: false,
  });
  const port = server.address().port;
  return {
    endpoint: `http://localhost:${port}`,
    port,
    stop: () =>
      new Promise((resolve) => {
        // Long polls hold connections open; end them so close() does not wait for them.
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
