/**
 * The Node versions the deployed functions' sections (1b, 2) run on: the Node running the bench and
 * Node 22, the Lambda runtime's major (nodejs22.x), from scripts/node22.mjs. Also runs section 1b
 * on each of them, in child processes that take turns round by round.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM helper, also a command of its own
import { node22, NODE22_VERSION } from '../scripts/node22.mjs';
import { callbackEnv, prepareTable, FULL_PATH_DEFAULTS, type FullPathOptions, type FullPathRow } from './fullPath';
import type { FromChild, ToChild } from './fullPathChild';
import { say, spawnTracked } from './support';

export interface BenchNode {
  path: string;
  /** `process.version` of that Node, e.g. v22.23.3. */
  version: string;
  /** Where it comes from, for the report. */
  how: string;
}

export interface BenchNodes {
  /** The bench's own Node first (the baseline of the Node-to-Node ratios), then Node 22 when it differs. */
  nodes: BenchNode[];
  /** Why there is no Node 22 row, when there is none. */
  node22Missing?: string;
}

/** The bench's Node and Node 22 (installed into .cache/node22 on first use); never throws. */
export function benchNodes(root: string): BenchNodes {
  const own: BenchNode = { path: process.execPath, version: process.version, how: "this machine's `node`, which runs the bench" };
  let got: { ok: true; path: string; version: string } | { ok: false; reason: string };
  try {
    got = node22({ root, log: (line: string) => say(`node22: ${line}`) });
  } catch (err) {
    got = { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  if (!got.ok) return { nodes: [own], node22Missing: got.reason };
  if (got.version === own.version) return { nodes: [{ ...own, how: `${own.how} (already Node ${NODE22_VERSION})` }] };
  return {
    nodes: [
      own,
      { path: got.path, version: got.version, how: `the npm package \`node@${NODE22_VERSION}\`, installed into .cache/node22 by scripts/node22.mjs` },
    ],
  };
}

export function majorOf(version: string): string {
  return version.replace(/^v/, '').split('.')[0]!;
}

export interface FullPathRun {
  node: BenchNode;
  rows: FullPathRow[];
  /** Warnings and errors the callback logged while measured, by message (an apology, a replay record timing out, …). */
  warnings: Record<string, number>;
}

const CHILD = fileURLToPath(new URL('./fullPathChild.ts', import.meta.url));

class Child {
  private readonly waiting: { type: FromChild['type']; resolve: (m: FromChild) => void; reject: (e: Error) => void }[] = [];
  private failed?: Error;
  readonly warnings: Record<string, number> = {};

  constructor(
    readonly node: BenchNode,
    private readonly proc: ChildProcess,
  ) {
    proc.on('message', (m: FromChild) => {
      if (m.type === 'error') return this.fail(new Error(`1b on Node ${node.version} failed in its child: ${m.message}`));
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
    proc.once('exit', (code, signal) => this.fail(new Error(`1b child on Node ${node.version} exited with ${code ?? signal}`)));
    proc.once('error', (err) => this.fail(err));
    let rest = '';
    proc.stderr!.on('data', (d) => {
      rest += d;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
        this.line(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
      }
    });
    proc.stdout!.on('data', (d) => process.stderr.write(d));
  }

  /** Log lines of level warn or error are counted (and the first of each kind shown); anything else is passed on. */
  private line(text: string): void {
    let entry: { level?: string; message?: string } | undefined;
    try {
      entry = text.startsWith('{') ? (JSON.parse(text) as typeof entry) : undefined;
    } catch {
      entry = undefined;
    }
    // Powertools Logger writes the level in capitals (WARN, ERROR).
    const level = entry?.level?.toLowerCase();
    if (entry && (level === 'warn' || level === 'error')) {
      const k = `${level}: ${entry.message ?? '?'}`;
      if (!this.warnings[k]) say(`1b on Node ${this.node.version} logged ${text.slice(0, 400)}`);
      this.warnings[k] = (this.warnings[k] ?? 0) + 1;
    } else if (text.trim()) process.stderr.write(`${text}\n`);
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failed);
  }

  next<T extends FromChild['type']>(type: T): Promise<Extract<FromChild, { type: T }>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => this.waiting.push({ type, resolve: resolve as (m: FromChild) => void, reject }));
  }

  send(m: ToChild): void {
    this.proc.send(m);
  }
}

/**
 * Section 1b on every Node: each child gets a table of its own (the pushes of two children would
 * share MsgIds), warms up alone, then the children take turns round by round, the order rotating,
 * so that the machine's drift falls on both alike.
 */
export async function benchFullPathOn(
  nodes: BenchNode[],
  endpoint: string,
  tablePrefix: string,
  opts: FullPathOptions = FULL_PATH_DEFAULTS,
): Promise<FullPathRun[]> {
  // The children are tracked: stopAll() ends any still running when this throws.
  const children: Child[] = [];
  for (const [k, node] of nodes.entries()) {
    const tableName = `${tablePrefix}-n${majorOf(node.version)}-${k}`;
    await prepareTable(endpoint, tableName);
    const proc = spawnTracked(node.path, ['--import', 'tsx', CHILD, endpoint, JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...callbackEnv(endpoint, tableName) },
    });
    const child = new Child(node, proc);
    children.push(child);
    const ready = await child.next('ready');
    if (ready.node !== node.version) throw new Error(`1b child meant for Node ${node.version} runs on ${ready.node}`);
  }
  for (let r = 0; r < opts.rounds; r++) {
    for (let k = 0; k < children.length; k++) {
      const child = children[(k + r) % children.length]!;
      const done = child.next('round-done');
      child.send({ type: 'round', r });
      await done;
    }
    say(`1b: round ${r + 1} of ${opts.rounds} done on ${children.map((c) => c.node.version).join(' and ')}`);
  }
  const runs: FullPathRun[] = [];
  for (const child of children) {
    const rows = child.next('rows');
    child.send({ type: 'finish' });
    runs.push({ node: child.node, rows: (await rows).rows, warnings: child.warnings });
  }
  return runs;
}
