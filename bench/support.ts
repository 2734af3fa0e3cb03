/**
 * Shared bench plumbing: percentiles, a timed loop, and a registry of every child process the bench
 * starts, so `stopAll()` can end them (and DynamoDB Local) even when a benchmark throws.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile over a copy of the samples (ms). */
export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) return { n: 0, p50: NaN, p99: NaN, min: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, p50: at(50), p99: at(99), min: s[0]!, max: s[s.length - 1]!, mean: sum / s.length };
}

export function median(xs: readonly number[]): number {
  return stats(xs).p50;
}

/** One timed pass: runs `once(i)` sequentially until `ms` elapsed or `limit` calls; per-call latencies in ms. */
export async function timedLoop(once: (i: number) => Promise<unknown>, opts: { ms: number; limit: number }): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + opts.ms;
  let now = start;
  for (let i = 0; i < opts.limit && now < deadline; i++) {
    const t = performance.now();
    await once(i);
    now = performance.now();
    latencies.push(now - t);
  }
  // Calls that resolve at once never leave the microtask queue: let timers and signals (Ctrl-C) run.
  await new Promise((resolve) => setImmediate(resolve));
  return { latencies, wallMs: now - start };
}

// ---------------------------------------------------------------- child processes

/** Each child with whether it leads its own process group (then the whole group is signalled). */
const children = new Map<ChildProcess, boolean>();
const stoppers: (() => Promise<void>)[] = [];

/** Spawns a child that `stopAll()` will end; `detached` children are ended as a process group. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, opts);
  children.set(child, opts.detached === true);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** Something else to stop at the end (DynamoDB Local's own stop()). */
export function onStop(stop: () => Promise<void>): void {
  stoppers.push(stop);
}

function killChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (children.get(child)) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

let stopped: Promise<void> | undefined;

/** Ends every tracked child (TERM, then KILL after 3 s) and runs the registered stoppers. Idempotent. */
export function stopAll(): Promise<void> {
  stopped ??= (async () => {
    const waits = [...children.keys()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => killChild(child, 'SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          killChild(child, 'SIGTERM');
        }),
    );
    await Promise.all(waits);
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  })();
  return stopped;
}

/** Runs a command to completion; rejects with its output tail when it fails. */
export function runCommand(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<{ stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawnTracked(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ stdout, stderr, ms });
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${(stdout + stderr).slice(-3000)}`));
    });
  });
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

export function say(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
