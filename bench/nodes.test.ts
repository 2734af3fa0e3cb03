import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper
import { node22, NODE22_VERSION } from '../scripts/node22.mjs';
import type { ColdStartNode } from './coldStart';
import type { FullPathRow } from './fullPath';
import type { BenchNode, FullPathRun } from './nodes';
import type { ProtocolRow } from './protocol';
import { markdownReport, type Results } from './report';
import type { Stats } from './support';

type Got = { ok: true; path: string; version: string } | { ok: false; reason: string };
const quiet = { log: () => undefined };

function withRoot(run: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'node22-test-'));
  try {
    run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('node22 uses the binary already in .cache/node22 when it is the pinned version, without npm', () =>
  withRoot((root) => {
    const bin = join(root, '.cache', 'node22', 'node_modules', 'node', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), `#!/bin/sh\necho v${NODE22_VERSION}\n`);
    chmodSync(join(bin, 'node'), 0o755);
    const got = node22({ root, npm: '/nonexistent/npm', ...quiet }) as Got;
    assert.deepEqual(got, { ok: true, path: join(bin, 'node'), version: `v${NODE22_VERSION}` });
  }));

test('node22 says why, and leaves nothing half-installed, when npm cannot install it', () =>
  withRoot((root) => {
    const got = node22({ root, npm: '/nonexistent/npm', ...quiet }) as Got;
    assert.equal(got.ok, false);
    assert.match((got as { reason: string }).reason, new RegExp(`npm install node@${NODE22_VERSION.replaceAll('.', '\\.')} failed`));
    const cache = join(root, '.cache');
    assert.deepEqual(existsSync(cache) ? readdirSync(cache) : [], [], 'no temporary folder and no node22 folder left');
  }));

// ---------------------------------------------------------------- the report of 1b and 2 per Node

const st = (p50: number, p99 = p50 * 1.5): Stats => ({ n: 1000, p50, p99, min: p50 / 2, max: p99, mean: p50 });
const NODE20: BenchNode = { path: '/usr/bin/node', version: 'v20.20.2', how: "this machine's `node`" };
const NODE22: BenchNode = { path: '/x/.cache/node22/node_modules/node/bin/node', version: `v${NODE22_VERSION}`, how: 'the npm package' };

function fullPathRun(node: BenchNode, speed: number): FullPathRun {
  const row = (id: string, kind: 'dynamo' | 'memory', retry: boolean, mode: 'plain' | 'aes', ms: number): FullPathRow => ({
    id,
    mode,
    label: `${kind === 'dynamo' ? 'handleWeChat + DynamoDB Local' : 'in-memory ports (baseline)'}, ${retry ? 'WeChat retry (dedup hit)' : 'new message'}`,
    kind,
    retry,
    n: 1000,
    msgsPerSec: (1000 / ms) * speed,
    roundRates: [1, 2, 3, 4, 5].map((k) => ((1000 / ms) * speed * (10 + k)) / 12),
    latencyMs: st(ms / speed),
    dynamoCallsPerMessage: kind === 'memory' ? 0 : retry ? 2 : 5.9,
    callsByOperation: kind === 'memory' ? {} : retry ? { PutItem: 2 } : { PutItem: 2.9, UpdateItem: 2.9, Query: 0.1 },
  });
  const rows = (['plain', 'aes'] as const).flatMap((mode) => [
    row(`full-${mode}`, 'dynamo', false, mode, 10),
    row(`full-retry-${mode}`, 'dynamo', true, mode, 3),
    row(`mem-${mode}`, 'memory', false, mode, 0.05),
    row(`mem-retry-${mode}`, 'memory', true, mode, 0.02),
  ]);
  return { node, rows, warnings: {} };
}

function coldNode(node: BenchNode, scale: number): ColdStartNode {
  return {
    node,
    bareNodeMs: st(40 * scale),
    firstReplyWallMs: st(340 * scale),
    firstReplyWallRuns: [330, 340, 350].map((x) => x * scale),
    driverStartMs: st(40 * scale),
    importMs: st(150 * scale),
    importedSinceStartMs: st(190 * scale),
    firstReplySinceStartMs: st(320 * scale),
    firstInvokeMs: st(130 * scale),
    httpCallsPerColdStart: 8,
  };
}

function results(nodes: BenchNode[], node22Missing?: string): Results {
  const protocol: ProtocolRow[] = (['plain', 'aes'] as const).flatMap((mode) =>
    ['co-string', 'co-stream', 'ours-protocol', 'ours-routed', 'ours-retry'].map((id) => ({
      id: `${id}-${mode}`,
      side: id.startsWith('co') ? ('co-wechat' as const) : ('ours' as const),
      mode,
      label: id,
      what: id,
      n: 5000,
      msgsPerSec: 10_000,
      roundRates: [10_000, 10_000],
      latencyUs: st(100),
    })),
  );
  return {
    machine: { date: '2026-12-03T00:00:00.000Z', nproc: '2', cpu: 'test', memory: '1 GiB', node: NODE20.version, os: 'test', java: 'test', load: 'test' },
    command: 'npm run bench',
    totalSeconds: 1,
    nodes: { nodes, ...(node22Missing ? { node22Missing } : {}) },
    bundle: {
      command: 'serverless package',
      packageMs: 1000,
      packages: [{ fn: 'wechat', dir: '/tmp', zipBytes: 250_000, unzippedBytes: 740_000, files: [{ path: 'handlers/wechat.mjs', bytes: 740_000 }] }],
      composition: [{ input: 'lib/wechat', bytes: 740_000 }],
      compositionTotal: 740_000,
      sameAsPackaged: true,
    },
    protocol,
    fullPath: nodes.map((n, k) => fullPathRun(n, k === 0 ? 1 : 1.25)),
    coldStart: { runs: 3, warmup: 1, mode: 'plain', perNode: nodes.map((n, k) => coldNode(n, k === 0 ? 1 : 0.9)) },
    extraSections: [],
  };
}

test('1b and 2 side by side: each row names its Node; Node 22 against Node 20 in the same rounds', () => {
  const md = markdownReport(results([NODE20, NODE22]));
  assert.match(md, /\| plain \| handleWeChat \+ DynamoDB Local, new message \| Node 20 \(v20\.20\.2\) \| 100 \| 1 \(baseline\) \|/);
  assert.match(
    md,
    new RegExp(
      `\\| plain \\| handleWeChat \\+ DynamoDB Local, new message \\| Node 22 \\(v${NODE22_VERSION.replaceAll('.', '\\.')}\\) \\| 125 \\| \\*\\*1\\.25\\*\\* \\(1\\.25–1\\.25\\) \\|`,
    ),
  );
  assert.match(md, /\| measure \(ms\) \| p50 Node 20 \| p99 Node 20 \| p50 Node 22 \| p99 Node 22 \| what it is \|/);
  assert.match(md, /\*\*Node 22 ÷ Node 20\*\*, spawn → reply line, run by run: \*\*0\.90×\*\* \(0\.90–0\.90\)/);
  assert.match(md, /the Lambda runtime's major \(nodejs22\.x\)/);
  assert.doesNotMatch(md, /not measured in this run/);
});

test('without Node 22 the report says so in the machine table and in 1b and 2, and shows no Node ratio', () => {
  const md = markdownReport(results([NODE20], 'npm install node@22 failed (spawn npm ENOENT)'));
  assert.match(md, /could not be had in this run\*\*: npm install node@22 failed/);
  assert.equal(md.match(/\*\*Node 22 not measured in this run\*\* \(npm install node@22 failed/g)?.length, 2, 'once in 1b, once in 2');
  assert.doesNotMatch(md, /ratio vs Node 20/);
  assert.doesNotMatch(md, /Node 22 ÷/);
});
