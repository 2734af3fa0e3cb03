import type { LambdaClient } from '@aws-sdk/client-lambda';

export type InvokeResult = { ok: true; payload: unknown } | { ok: false; error: string };

/**
 * Synchronous invokes of another function of the service. `endpoint` is serverless-offline's Lambda
 * port under `npm start` and the tests' stand-in (tests/support/localLambda.ts); in AWS it is unset.
 * The client is made on first use (the Lambda runtime ships the SDK) and kept by its owner (the app).
 */
export function lambdaInvoker(opts: { endpoint?: string; region: string }): (functionName: string, payload: unknown) => Promise<InvokeResult> {
  let client: Promise<LambdaClient> | undefined;
  return async (functionName, payload) => {
    client ??= import('@aws-sdk/client-lambda').then(({ LambdaClient }) =>
      opts.endpoint
        ? new LambdaClient({ endpoint: opts.endpoint, region: opts.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
        : new LambdaClient({}),
    );
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const out = await (await client).send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
    if (out.FunctionError || !out.Payload) return { ok: false, error: out.FunctionError ?? 'no payload' };
    return { ok: true, payload: JSON.parse(Buffer.from(out.Payload).toString('utf8')) };
  };
}
