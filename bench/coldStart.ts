/**
 * Benchmark 2: cold start. A fresh `node` process imports the callback exactly as packaged
 * (handlers/wechat.mjs from wechat.zip) and answers one signed push against DynamoDB Local
 * (bench/coldStartDriver.mjs). Baseline in the same run, interleaved: a fresh `node -e ""` of the
 * same Node. Runs on every Node of bench/nodes.ts (the bench's own and Node 22, Lambda's), each run
 * taking every Node in turn, the order rotating.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../lib/wechat/callback';
import { pushEvent, textXml } from '../tests/support/pushes';
import { callbackEnv } from './fullPath';
import { demoRules } from './memoryPorts';
import type { BenchNode } from './nodes';
import { assertReply, BENCH_TEXT } from './pushes';
import { say, spawnTracked, stats, type Stats } from './support';

export interface ColdStartNode {
  node: BenchNode;
  /** Parent-observed: spawn() to `node -e ""` exiting. */
  bareNodeMs: Stats;
  /** Parent-observed: spawn() to the driver's reply line. */
  firstReplyWallMs: Stats;
  /** Per run, in run order: the spawn → reply line time (for ratios between Nodes, run by run). */
  firstReplyWallRuns: number[];
  /** In the driver, since process start (performance.timeOrigin): when our driver code began. */
  driverStartMs: Stats;
  /** In the driver: the `import()` of the bundled handler alone. */
  importMs: Stats;
  /** In the driver, since process start: handler module imported. */
  importedSinceStartMs: Stats;
  /** In the driver, since process start: first reply in hand. */
  firstReplySinceStartMs: Stats;
  /** In the driver: handler invocation alone (config, clients, the DynamoDB calls incl. the rules query). */
  firstInvokeMs: Stats;
  httpCallsPerColdStart: number;
}

export interface ColdStartReport {
  runs: number;
  warmup: number;
  mode: Mode;
  /** One per Node, the bench's own first. */
  perNode: ColdStartNode[];
}

const DRIVER = fileURLToPath(new URL('./coldStartDriver.mjs', import.meta.url));

/** Environment of the child: only what a Lambda container would carry, no tsx, no NODE_OPTIONS. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

function bareNode(node: BenchNode): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnTracked(node.path, ['-e', ''], { stdio: 'ignore', env: childEnv({}) });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`node -e "" exited with ${code}`))));
  });
}

interface DriverLine {
  t0: number;
  tImported: number;
  tReply: number;
  statusCode: number;
  body: string;
  httpCalls: number;
}

function driver(node: BenchNode, handlerFile: string, env: Record<string, string>, mode: Mode, seq: number): Promise<{ wallMs: number; line: DriverLine }> {
  const openid = `oCold${String(seq).padStart(23, '0')}`;
  const event = pushEvent(textXml(openid, BENCH_TEXT), mode);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnTracked(node.path, [DRIVER, handlerFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv({ ...env, BENCH_EVENT: JSON.stringify(event) }),
    });
    let out = '';
    let err = '';
    let wallMs: number | undefined;
    // The handler's own metric lines (EMF, `{"_aws":…}`) share stdout: the driver's line is the first other one.
    const driverLine = () => out.split('\n').find((l, i, all) => i < all.length - 1 && !l.startsWith('{"_aws"'));
    child.stdout!.on('data', (d) => {
      out += d;
      if (wallMs === undefined && driverLine() !== undefined) wallMs = performance.now() - t0;
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 || wallMs === undefined) return reject(new Error(`cold-start driver on Node ${node.version} exited with ${code}\n${err.slice(-2000)}`));
      try {
        resolve({ wallMs, line: JSON.parse(driverLine()!) as DriverLine });
      } catch (e) {
        reject(e);
      }
    });
  });
}

export async function benchColdStart(
  nodes: BenchNode[],
  handlerFile: string,
  endpoint: string,
  tableName: string,
  opts = { runs: 12, warmup: 2 },
): Promise<ColdStartReport> {
  const env = callbackEnv(endpoint, tableName);
  const mode: Mode = 'plain';
  const hours = demoRules().find((r) => r.id === 'hours')?.reply;
  const expected = hours?.type === 'text' ? hours.content : '营业时间';
  const acc = nodes.map(() => ({ bare: [] as number[], lines: [] as { wallMs: number; line: DriverLine }[] }));
  say(`cold start: ${opts.warmup} warm-up + ${opts.runs} measured runs of each on ${nodes.map((n) => n.version).join(' and ')}, interleaved`);
  let seq = 0;
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    for (let k = 0; k < nodes.length; k++) {
      const at = (k + i) % nodes.length;
      const node = nodes[at]!;
      const b = await bareNode(node);
      const d = await driver(node, handlerFile, env, mode, seq++);
      if (d.line.statusCode !== 200) throw new Error(`cold start on Node ${node.version} answered ${d.line.statusCode}: ${d.line.body}`);
      assertReply(`cold start on Node ${node.version}`, d.line.body, mode, expected);
      if (i < opts.warmup) continue;
      acc[at]!.bare.push(b);
      acc[at]!.lines.push(d);
    }
  }
  return {
    runs: opts.runs,
    warmup: opts.warmup,
    mode,
    perNode: nodes.map((node, k) => {
      const { bare, lines } = acc[k]!;
      const l = lines.map((x) => x.line);
      return {
        node,
        bareNodeMs: stats(bare),
        firstReplyWallMs: stats(lines.map((x) => x.wallMs)),
        firstReplyWallRuns: lines.map((x) => x.wallMs),
        driverStartMs: stats(l.map((x) => x.t0)),
        importMs: stats(l.map((x) => x.tImported - x.t0)),
        importedSinceStartMs: stats(l.map((x) => x.tImported)),
        firstReplySinceStartMs: stats(l.map((x) => x.tReply)),
        firstInvokeMs: stats(l.map((x) => x.tReply - x.tImported)),
        httpCallsPerColdStart: l.reduce((s, x) => s + x.httpCalls, 0) / Math.max(1, l.length),
      };
    }),
  };
}
