/**
 * Conversation history: DynamoDB writes on the callback's path per push, with and without the
 * history port (the callback before and after issue 14's history), counted by a wrapper on the
 * document client (every command the callback sends, by name; history items by their `MSG#` key).
 * The callback is `answerPush` with the real ports (`conversationPorts`) against DynamoDB Local,
 * on config/demo.json's rules, the same pushes for both variants (each its own followers).
 *
 * Run alone: `node --import tsx bench/historyWrites.ts [followers] [--write]` (`--write` puts the
 * section into docs/benchmarks.md in place of the last run's); `npm run bench` runs it too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// @ts-expect-error plain ESM helper shared with the test runner
import { startDynamoLocal } from '../scripts/dynamo-local.mjs';
import { conversationPorts } from '../lib/app/conversation';
import { createApp } from '../lib/app/createApp';
import { callbackSecrets, readConfig } from '../lib/config/config';
import { answerPush, type CallbackPorts } from '../lib/conversation/answerPush';
import { deadlineAfter } from '../lib/deadline/deadline';
import type { Table } from '../lib/store/dynamo';
import { createTable } from '../lib/store/dynamo';
import { dynamoReplayRecord } from '../lib/wechat/dynamoReplayRecord';
import { eventXml, pushEvent, textXml } from '../tests/support/pushes';
import { callbackEnv, prepareTable } from './fullPath';
import { fmt } from './support';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HISTORY_SECTION = '## Conversation history: DynamoDB writes per push';

const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);

interface Counts {
  writes: number;
  historyPuts: number;
  byCommand: Map<string, number>;
}

/** The table behind a document client that counts what it is sent. */
function countingTable(table: Table): { table: Table; counts: Counts } {
  const counts: Counts = { writes: 0, historyPuts: 0, byCommand: new Map() };
  const doc = new Proxy(table.doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string }; input: { Item?: { sk?: unknown } } }) => {
        const name = command.constructor.name;
        counts.byCommand.set(name, (counts.byCommand.get(name) ?? 0) + 1);
        if (WRITES.has(name)) counts.writes++;
        if (name === 'PutCommand' && String(command.input.Item?.sk ?? '').startsWith('MSG#')) counts.historyPuts++;
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
  return { table: { name: table.name, doc }, counts };
}

type Phase = { label: string; push: (openid: string, t: number) => ReturnType<typeof pushEvent>; retryOf?: string };

/** What each follower does, in order; a retry repeats the push before it (same CreateTime and MsgId). */
const PHASES: Phase[] = [
  { label: 'subscribe (welcome reply)', push: (o, t) => pushEvent(eventXml(o, 'subscribe', '', t)) },
  { label: 'text, a rule answers', push: (o, t) => pushEvent(textXml(o, '请问营业时间？', t, `${t}001`)) },
  { label: "WeChat's retry of that text (dedup hit)", push: (o, t) => pushEvent(textXml(o, '请问营业时间？', t - 1, `${t - 1}001`)) },
  { label: '人工 (handoff request: waiting + acknowledgement)', push: (o, t) => pushEvent(textXml(o, '人工', t, `${t}002`)) },
  { label: 'text while waiting for a person (bot quiet)', push: (o, t) => pushEvent(textXml(o, '请问营业时间？', t, `${t}003`)) },
];

interface Row {
  label: string;
  without: { writes: number; byCommand: Record<string, number> };
  with: { writes: number; historyPuts: number; byCommand: Record<string, number> };
}

async function runVariant(endpoint: string, tableName: string, withHistory: boolean, followers: number, tag: string) {
  const counted = countingTable(createTable(tableName, endpoint));
  const app = createApp(readConfig(callbackEnv(endpoint, tableName)), { table: counted.table });
  const ports = conversationPorts(app);
  const callback: CallbackPorts = {
    secrets: callbackSecrets(app.config),
    ports: withHistory ? ports : { ...ports, history: undefined },
    replays: dynamoReplayRecord(app.table),
  };
  const perPhase: Counts[] = [];
  const start = Math.floor(Date.now() / 1000);
  for (const [p, phase] of PHASES.entries()) {
    const before = { writes: counted.counts.writes, historyPuts: counted.counts.historyPuts, byCommand: new Map(counted.counts.byCommand) };
    for (let i = 0; i < followers; i++) {
      const res = await answerPush(phase.push(`o_bench_${tag}_${i}`, start + p), callback, deadlineAfter(5_000));
      if (res.statusCode !== 200) throw new Error(`${phase.label}: the callback answered ${res.statusCode} ${String(res.body)}`);
    }
    perPhase.push({
      writes: (counted.counts.writes - before.writes) / followers,
      historyPuts: (counted.counts.historyPuts - before.historyPuts) / followers,
      byCommand: new Map([...counted.counts.byCommand].map(([k, n]) => [k, (n - (before.byCommand.get(k) ?? 0)) / followers])),
    });
  }
  counted.table.doc.destroy();
  return perPhase;
}

const commands = (m: Map<string, number>) => Object.fromEntries([...m].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b)));

export async function benchHistoryWrites(followers = 200): Promise<string> {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  const dynamo = (await startDynamoLocal({ inMemory: true })) as { endpoint: string; stop(): Promise<void> };
  try {
    const tableName = `bench-history-${Date.now()}`;
    await prepareTable(dynamo.endpoint, tableName);
    const without = await runVariant(dynamo.endpoint, tableName, false, followers, 'a');
    const withH = await runVariant(dynamo.endpoint, tableName, true, followers, 'b');
    const rows: Row[] = PHASES.map((p, i) => ({
      label: p.label,
      without: { writes: without[i]!.writes, byCommand: commands(without[i]!.byCommand) },
      with: { writes: withH[i]!.writes, historyPuts: withH[i]!.historyPuts, byCommand: commands(withH[i]!.byCommand) },
    }));
    return markdown(rows, followers);
  } finally {
    await dynamo.stop();
  }
}

const ops = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, n]) => `${k.replace(/Command$/, '')} ${fmt(n, 2)}`)
    .join(', ');

function markdown(rows: Row[], followers: number): string {
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${fmt(r.without.writes, 2)} | ${fmt(r.with.writes, 2)} | **${fmt(r.with.writes - r.without.writes, 2)}** | ${fmt(r.with.historyPuts, 2)} | ${ops(r.with.byCommand)} |`,
  );
  const most = Math.max(...rows.map((r) => r.with.writes - r.without.writes));
  return `${HISTORY_SECTION}

Generated by \`node --import tsx bench/historyWrites.ts ${followers} --write\` (also part of \`npm run bench\`), ${new Date().toISOString().slice(0, 10)}.
The callback (\`answerPush\` with the real ports of lib/app/conversation.ts) against DynamoDB Local on
config/demo.json's rules, ${followers} followers per variant each doing the pushes below in order;
**without** is the same callback with its history port removed (the callback before the history), **with**
is as deployed. Requests are counted by a wrapper on the document client (every command, by name;
history items by their \`MSG#\` sort key), per push.

| push | writes/push without history | with history | added by the history | history PutItems | with history, all requests/push |
| --- | ---: | ---: | ---: | ---: | --- |
${lines.join('\n')}

History adds at most **${fmt(most, 0)}** DynamoDB write per push: exactly one PutItem (the push and its passive reply
in one item, \`MEMBER#<openid>\` / \`MSG#<at>#<dedup key>\`), sent beside the dedup record's
completion, not after it; a retry answered from the dedup record writes no history. \`lastInbound\` and
\`waitingSince\` ride in the member upsert the callback already makes (no extra write), and the
handoff settings are a GetItem per container every 5 s (the cache), not per push. The handoff request
itself (人工) is one UpdateItem of the profile, in both variants.
`;
}

/** Puts the section into docs/benchmarks.md in place of the last run's (or at the end). */
export function spliceSection(doc: string, section: string): string {
  const at = doc.indexOf(HISTORY_SECTION);
  if (at < 0) return `${doc.trimEnd()}\n\n${section}`;
  const next = doc.indexOf('\n## ', at + HISTORY_SECTION.length);
  return `${doc.slice(0, at)}${section.trimEnd()}\n${next < 0 ? '' : doc.slice(next)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.chdir(ROOT); // ensureTable reads serverless.yml relative to the working directory
  const n = process.argv[2] && !process.argv[2].startsWith('--') ? Number(process.argv[2]) : undefined;
  const section = await benchHistoryWrites(n);
  console.log(section);
  if (process.argv.includes('--write')) {
    const path = resolve(ROOT, 'docs/benchmarks.md');
    writeFileSync(path, spliceSection(readFileSync(path, 'utf8'), section));
  }
  process.exit(0);
}
