import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { ensureQueues, loadServerlessYaml, readQueueDefinitions } from '../../lib/queue/queueDefinitions';
import { lambdaContext, lambdaPoller, queueDepth, sqsEndpoint, waitFor, type Poller } from './localSqs';

/**
 * The AWS side of the deployed service, locally, for integration tests: every queue serverless.yml
 * declares (on local-aws-sqs, under a stage of this test process's own), each drained into its real
 * worker handler by a Lambda-like poller as the function's `sqs` event says (batch size, reserved
 * concurrency, timeout), and Lambda's Invoke API for the functions the app invokes (the token
 * refresh). The handlers get the environment serverless.yml gives them (`<QUEUE>_URL` from `!Ref`,
 * TOKEN_REFRESHER_FUNCTION, LAMBDA_ENDPOINT), so the app sends its work exactly where it does in AWS.
 * Started once per test process (tests/support/testTable.ts) and stopped when its tests are done.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const SERVICE = 'wechat-oa-crm';

type Handler = (event: unknown, context?: Partial<Context>) => Promise<unknown>;

interface FunctionDef {
  name: string;
  /** `handlers/<file>.handler` */
  handler: string;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  sqs?: { queue: string; batchSize: number };
}

function functionDefs(): FunctionDef[] {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) =>
      Object.entries(
        loadServerlessYaml(join(dir, f)) as Record<
          string,
          { handler: string; timeout?: number; reservedConcurrency?: number; events?: { sqs?: { arn: { GetAtt: string }; batchSize?: number } }[] }
        >,
      ).map(([name, fn]) => {
        const sqs = fn.events?.find((e) => e.sqs)?.sqs;
        return {
          name,
          handler: fn.handler,
          timeoutSeconds: fn.timeout ?? 10,
          reservedConcurrency: fn.reservedConcurrency,
          sqs: sqs && { queue: sqs.arn.GetAtt.replace(/\.Arn$/, ''), batchSize: sqs.batchSize ?? 10 },
        };
      }),
    );
}

async function loadHandler(def: FunctionDef): Promise<Handler> {
  const [file, exported] = def.handler.split('.');
  const mod = (await import(pathToFileURL(join(ROOT, `${file}.ts`)).href)) as Record<string, Handler>;
  const handler = mod[exported!];
  if (typeof handler !== 'function') throw new Error(`${def.handler}: no such handler`);
  return handler;
}

/** `<NAME>_URL: !Ref <Queue>` in serverless.yml's provider.environment: env name → the queue's logical id. */
function queueEnvironment(): Record<string, string> {
  const env = (loadServerlessYaml(join(ROOT, 'serverless.yml')) as { provider?: { environment?: Record<string, unknown> } }).provider?.environment ?? {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const ref = (value as { Ref?: unknown } | null)?.Ref;
    if (typeof ref === 'string') out[name] = ref;
  }
  return out;
}

export interface LocalAwsOptions {
  /** Shorter visibility timeouts than serverless.yml's, by queue logical id, for tests that wait for a redelivery. */
  visibilityTimeoutSeconds?: Record<string, number>;
}

export interface LocalAws {
  /** What the handlers' environment gains (queue URLs, the refresher's function name, the Lambda endpoint). */
  env: Record<string, string>;
  /** Queue logical id → URL. */
  queues: Record<string, string>;
  /** The worker of each queue, by queue logical id. */
  workers: Record<string, Poller>;
  /** Invocations of functions through the Invoke API so far, by function. */
  invocations: Record<string, number>;
}

/**
 * A Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`, RequestResponse) on a local
 * port, running the named function's real handler; an error thrown is answered as Lambda does
 * (X-Amz-Function-Error: Unhandled).
 */
async function startInvokeApi(functions: Map<string, FunctionDef>, invocations: Record<string, number>): Promise<string> {
  const handlers = new Map<string, Promise<Handler>>();
  const server = createServer(async (req, res) => {
    const name = decodeURIComponent(/^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '');
    const def = functions.get(name);
    if (req.method !== 'POST' || !def) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      res.end(JSON.stringify({ message: `Function not found: ${name}` }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    invocations[def.name] = (invocations[def.name] ?? 0) + 1;
    let handler = handlers.get(name);
    if (!handler) {
      handler = loadHandler(def);
      handlers.set(name, handler);
    }
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const out = await (await handler)(text ? JSON.parse(text) : {}, lambdaContext(name, def.timeoutSeconds * 1000));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out ?? null));
    } catch (err) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
      res.end(JSON.stringify({ errorType: (err as Error).name, errorMessage: (err as Error).message }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let started: Promise<LocalAws> | undefined;

// Registered while the test file loads, so it runs when the file's tests are done (a hook added from
// inside a `before` would run right after that hook). Only under the test runner: bench/ imports
// tests/support for its fixtures.
if (process.env.NODE_TEST_CONTEXT) {
  after(async () => {
    const aws = await started?.catch(() => undefined);
    await Promise.all(Object.values(aws?.workers ?? {}).map((w) => w.stop()));
  });
}

/** The test process's local AWS, started on first use (options count only then). */
export function localAws(opts: LocalAwsOptions = {}): Promise<LocalAws> {
  started ??= start(opts);
  return started;
}

async function start(opts: LocalAwsOptions): Promise<LocalAws> {
  const region = process.env.AWS_REGION || 'us-east-1';
  const stage = `t${randomUUID().slice(0, 8)}`;
  const defs = readQueueDefinitions({ stage, region, serverlessYml: join(ROOT, 'serverless.yml') }).map((d) => {
    const visibility = opts.visibilityTimeoutSeconds?.[d.logicalId];
    return visibility === undefined ? d : { ...d, attributes: { ...d.attributes, VisibilityTimeout: String(visibility) } };
  });
  const byName = await ensureQueues(sqsEndpoint(), defs, region);
  const queues = Object.fromEntries(defs.map((d) => [d.logicalId, byName[d.name]!]));
  const fns = functionDefs();
  const invocations: Record<string, number> = {};
  const env: Record<string, string> = {
    LAMBDA_ENDPOINT: await startInvokeApi(new Map(fns.map((f) => [`${SERVICE}-${stage}-${f.name}`, f])), invocations),
    TOKEN_REFRESHER_FUNCTION: `${SERVICE}-${stage}-tokenRefresh`,
  };
  for (const [name, queue] of Object.entries(queueEnvironment())) if (queues[queue]) env[name] = queues[queue];
  const workers: Record<string, Poller> = {};
  for (const fn of fns) {
    if (!fn.sqs) continue;
    const url = queues[fn.sqs.queue];
    if (!url) throw new Error(`functions: ${fn.name} reads ${fn.sqs.queue}, which serverless.yml does not declare`);
    const handler = await loadHandler(fn);
    workers[fn.sqs.queue] = lambdaPoller(url, async (event) => (await handler(event)) as never, {
      batchSize: fn.sqs.batchSize,
      concurrency: fn.reservedConcurrency ?? 1,
      timeoutMs: fn.timeoutSeconds * 1000,
    });
  }
  return { env, queues, workers, invocations };
}

/**
 * Resolves once the work queued so far is done: no message waiting or being handled on any worker's
 * queue and no worker busy, seen on two checks in a row with no batch started in between (a handler may queue more
 * work for another worker). Later work does not count: a delayed message (a held broadcast chunk) and
 * a message waiting out its visibility timeout after a failure (a payout whose answer was lost, as
 * Lambda would leave it).
 */
export async function drained(opts: { timeoutMs?: number } = {}): Promise<void> {
  const aws = await localAws();
  const workers = Object.values(aws.workers);
  const started = () => workers.reduce((n, w) => n + w.batches.started, 0);
  const idle = async (): Promise<true | string> => {
    const before = started();
    if (workers.some((w) => w.batches.running > 0)) return 'a worker is busy';
    for (const [queue, url] of Object.entries(aws.queues)) {
      if (!aws.workers[queue]) continue;
      const d = await queueDepth(url);
      // local-aws-sqs counts in-flight messages in ApproximateNumberOfMessages too. An in-flight
      // message is work being done unless the worker failed it and it waits out its visibility
      // timeout (a long poll holds the messages it took until it answers, before any batch starts).
      const waiting = d.visible - d.inFlight + Math.max(0, d.inFlight - aws.workers[queue]!.parked());
      if (waiting > 0) return `${queue}: ${JSON.stringify(d)}`;
    }
    return started() === before && workers.every((w) => w.batches.running === 0) ? true : 'a batch started meanwhile';
  };
  let quiet = 0;
  await waitFor(
    async () => {
      const r = await idle();
      quiet = r === true ? quiet + 1 : 0;
      return quiet >= 2 ? true : r === true ? 'once more' : r;
    },
    { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 50, what: 'the queues to drain' },
  );
}
