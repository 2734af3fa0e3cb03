// Starts local-aws-sqs (pure Node, both SQS protocols) in this process, on the account id the
// code and serverless-offline-sqs use for local queue URLs and ARNs (000000000000). State is in
// memory: queued messages do not survive a restart (payout orders do: they are in the table first).
import { createServer } from 'node:http';
import { createRequestHandler } from 'local-aws-sqs';

/**
 * @param {{ port?: number, region?: string }} opts port 0 (default) picks a free port
 * @returns {Promise<{ endpoint: string, port: number, stop: () => Promise<void> }>}
 */
export async function startSqsLocal(opts = {}) {
  const { requestHandler, service } = createRequestHandler({
    port: opts.port ?? 0,
    hostname: '127.0.0.1',
    region: opts.region ?? 'us-east-1',
    accountId: '000000000000',
    // Tests create queues with unique names; a restart of the local stack recreates the same names.
    emulateQueueCreationLifecycle: false,
  });
  // Our own server (createSqsServer ignores listen errors, so a busy port would crash the process).
  const server = createServer(requestHandler);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = server.address().port;
  service.PORT = port; // queue URLs carry the port actually bound
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise((resolve) => {
        // Long polls hold connections open; end them so close() does not wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
