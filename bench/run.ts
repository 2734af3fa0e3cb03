/**
 * `npm run bench`: one run measures everything and rewrites docs/benchmarks.md.
 *   3. packages (serverless package), then DynamoDB Local is started
 *   Node 22 (the Lambda runtime's major) is found or installed into .cache/node22 (scripts/node22.mjs)
 *   1a. protocol path in memory, ours vs co-wechat, plain and aes
 *   1b. handleWeChat end to end against DynamoDB Local, on the bench's Node and on Node 22
 *   2. cold start of the packaged callback in fresh node processes, on the bench's Node and on Node 22
 *   segments: bench/segments.ts's own section (items read per member returned), appended as it writes it
 *   red packets: bench/grab.ts's own section (a crowd on one round, writes per partition key, 16 shards vs 1)
 *   broadcasts: bench/broadcast.ts's own section (audience expansion, send rate under the shared limiter, dormancy reads)
 *   conversation history: bench/historyWrites.ts's own section (DynamoDB writes per push with and without the history)
 * DynamoDB Local and every child process are stopped on the way out, also on error or Ctrl-C.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM helper shared with the test runner
import { startDynamoLocal } from '../scripts/dynamo-local.mjs';
import { packageFunctions } from './bundle';
import { benchColdStart } from './coldStart';
import { prepareTable } from './fullPath';
import { benchFullPathOn, benchNodes } from './nodes';
import { benchProtocol } from './protocol';
import { benchSegments } from './segments';
import { benchGrab } from './grab';
import { benchBroadcast } from './broadcast';
import { benchHistoryWrites, HISTORY_SECTION } from './historyWrites';
import { machineFacts, markdownReport, stdoutReport } from './report';
import { onStop, say, stopAll } from './support';

interface DynamoLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const started = performance.now();
const loadAtStart = loadavg()[0]!;
const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root); // ensureTable reads serverless.yml relative to the working directory
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

const tmp = mkdtempSync(join(tmpdir(), 'wechat-oa-bench-'));
onStop(async () => rmSync(tmp, { recursive: true, force: true }));

let dynamoStarting: Promise<DynamoLocal> | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping DynamoDB Local and child processes`);
    // A DynamoDB Local still starting registers its stop() once it answers; wait for that first.
    void (dynamoStarting ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => stopAll())
      .finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  // Packaging first and alone, so its time is not inflated by DynamoDB Local's JVM starting.
  const t0 = performance.now();
  const bundle = await packageFunctions(root, tmp);
  say(`3: packages built and measured in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const wechat = bundle.packages.find((p) => p.fn === 'wechat')!;
  const handlerFile = join(wechat.dir, wechat.files.find((f) => f.path.endsWith('.mjs'))!.path);
  dynamoStarting = (startDynamoLocal({ inMemory: true }) as Promise<DynamoLocal>).then((d) => {
    onStop(() => d.stop());
    return d;
  });
  const dynamo = await dynamoStarting;
  say(`DynamoDB Local at ${dynamo.endpoint}`);

  const section = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    say(`${name}…`);
    const out = await run();
    say(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return out;
  };
  // The deployed functions run on Node 22: sections 1b and 2 run on it too (when it can be had).
  const nodes = benchNodes(root);
  say(
    nodes.node22Missing
      ? `no Node 22, sections 1b and 2 run on ${process.version} only: ${nodes.node22Missing}`
      : `sections 1b and 2 on ${nodes.nodes.map((n) => `${n.version} (${n.path})`).join(' and ')}`,
  );
  const protocol = await section('1a: protocol path, in memory', () => benchProtocol());
  const tableName = `bench-${Date.now()}`;
  const fullPath = await section('1b: full path against DynamoDB Local', () => benchFullPathOn(nodes.nodes, dynamo.endpoint, tableName));
  const coldStart = await section('2: cold start', async () => {
    await prepareTable(dynamo.endpoint, tableName);
    return benchColdStart(nodes.nodes, handlerFile, dynamo.endpoint, tableName);
  });
  // bench/segments.ts (the segments' owners) starts and stops its own DynamoDB Local; its section is appended as written.
  const segments = await section('segments (bench/segments.ts)', () =>
    benchSegments().catch((err: unknown) => {
      exitCode = 1;
      return `## Segments: items read per member returned\n\n**This run's segments benchmark failed:** ${err instanceof Error ? err.message : String(err)}\n`;
    }),
  );

  const grab = await section('red packets (bench/grab.ts)', () =>
    benchGrab().catch((err: unknown) => {
      exitCode = 1;
      return `## Red packets: grabbing one round\n\n**This run's grab benchmark failed:** ${err instanceof Error ? err.message : String(err)}\n`;
    }),
  );

  const broadcast = await section('broadcasts (bench/broadcast.ts)', () =>
    benchBroadcast()
      .then((r) => {
        if (r.failed) exitCode = 1;
        return r.markdown;
      })
      .catch((err: unknown) => {
        exitCode = 1;
        return `## Broadcasts: audience expansion, send rate, dormancy reads\n\n**This run's broadcast benchmark failed:** ${err instanceof Error ? err.message : String(err)}\n`;
      }),
  );

  const history = await section('conversation history (bench/historyWrites.ts)', () =>
    benchHistoryWrites().catch((err: unknown) => {
      exitCode = 1;
      return `${HISTORY_SECTION}\n\n**This run's history benchmark failed:** ${err instanceof Error ? err.message : String(err)}\n`;
    }),
  );

  const results = {
    machine: machineFacts(loadAtStart),
    command: 'npm run bench',
    totalSeconds: (performance.now() - started) / 1000,
    nodes,
    bundle,
    protocol,
    fullPath,
    coldStart,
    extraSections: [segments, grab, broadcast, history],
  };
  process.stdout.write(stdoutReport(results));
  writeFileSync(join(root, 'docs/benchmarks.md'), markdownReport(results));
  say(`wrote docs/benchmarks.md (${results.totalSeconds.toFixed(0)} s)`);
} catch (err) {
  exitCode = 1;
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  await dynamoStarting?.catch(() => undefined);
  await stopAll();
}
process.exit(exitCode);
