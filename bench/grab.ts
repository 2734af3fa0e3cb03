/**
 * Red-packet grab benchmark: a crowd grabs one round at once, against DynamoDB Local, with the round's
 * shares spread over 16 shards (ours) and over 1 (the baseline, as an unsharded design would).
 * Counts writes per partition key from the requests actually sent (TransactWrite items, UpdateItem,
 * PutItem, DeleteItem), so the figure shows how a round spreads its load: DynamoDB takes about 1,000
 * writes/s per partition, so a round's ceiling is that × the number of partitions its writes share.
 *
 * Standalone: `node --import tsx bench/grab.ts [grabbers] [packets]`; bench/run.ts calls benchGrab().
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fixedClock } from '../lib/clock/clock';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { dynamoRoundStore } from '../lib/redpacket/dynamoRoundStore';
import { grabRedPacket } from '../lib/redpacket/grabRedPacket';
import { planRound } from '../lib/redpacket/round';
import { createTable, type Table } from '../lib/store/dynamo';
import { ensureTable } from '../lib/store/ensureTable';
// @ts-expect-error plain ESM helper shared with the test runner
import { startDynamoLocal } from '../scripts/dynamo-local.mjs';
import { activeCampaign, grabber } from '../tests/support/campaigns';
import { stats } from './support';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOW = Date.parse('2026-12-01T03:31:00Z');

interface Row {
  shards: number;
  grabbers: number;
  winners: number;
  wallMs: number;
  p50: number;
  p99: number;
  writes: number;
  roundWrites: number;
  hottestKey: string;
  hottestWrites: number;
  calls: number;
}

const campaign = (packets: number) =>
  activeCampaign(`bench${packets}`, { name: 'bench', round: { packets, totalFen: packets * 100, split: 'lucky', minFen: 10, maxFen: 500 } });

/** Counts the writes each partition key receives, from the commands as sent. */
function countWrites(table: Table) {
  const perKey = new Map<string, number>();
  let calls = 0;
  // The document client may have marshalled the key already ({ S: "…" }).
  const add = (pk: unknown) => {
    const k = typeof pk === 'object' && pk !== null && 'S' in pk ? String((pk as { S: string }).S) : String(pk);
    perKey.set(k, (perKey.get(k) ?? 0) + 1);
  };
  table.doc.middlewareStack.add(
    (next, ctx) => async (args) => {
      calls++;
      const input = args.input as Record<string, unknown>;
      if (/^TransactWrite/.test(ctx.commandName ?? '')) {
        for (const item of (input.TransactItems as Record<string, { Key?: { pk: unknown }; Item?: { pk: unknown } }>[]) ?? []) {
          const op = item.Put ?? item.Update ?? item.Delete;
          if (op) add((op.Key ?? op.Item)!.pk);
        }
      } else if (/^(Update|Put|Delete)(Item)?Command$/.test(ctx.commandName ?? '')) {
        add(((input.Key ?? input.Item) as { pk: unknown }).pk);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return { perKey, calls: () => calls };
}

async function crowd(endpoint: string, shards: number, grabbers: number, packets: number): Promise<Row> {
  const name = `bench-grab-${shards}-${Date.now()}`;
  await ensureTable(endpoint, name, resolve(ROOT, 'serverless.yml'));
  const table = createTable(name, endpoint);
  const rounds = dynamoRoundStore(table, fixedClock(NOW));
  const c = campaign(packets);
  // The schedule lays the round out before it starts; the baseline puts every share in one partition.
  await rounds.open({ ...planRound(c, '2026-12-01'), shards });
  const counter = countWrites(table);
  const ports = { rounds, levels: async () => DEFAULT_LEVELS };
  const latencies: number[] = [];
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: grabbers }, async (_, i) => {
      const t = performance.now();
      const o = await grabRedPacket(ports, c, grabber(`m${i}`), `k${i}`, NOW);
      latencies.push(performance.now() - t);
      return o;
    }),
  );
  const wallMs = performance.now() - t0;
  table.doc.destroy();
  const round = [...counter.perKey].filter(([k]) => k.startsWith('RPSHARD#'));
  const [hottestKey, hottestWrites] = [...counter.perKey].sort((a, b) => b[1] - a[1])[0]!;
  const s = stats(latencies);
  return {
    shards,
    grabbers,
    winners: outcomes.filter((o) => o.kind === 'won').length,
    wallMs,
    p50: s.p50,
    p99: s.p99,
    writes: [...counter.perKey.values()].reduce((a, b) => a + b, 0),
    roundWrites: round.reduce((a, [, n]) => a + n, 0),
    hottestKey: hottestKey.replace(/#\d{4}-\d\d-\d\d#/, '#…#'),
    hottestWrites,
    calls: counter.calls(),
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export async function benchGrab(grabbers = Number(process.env.BENCH_GRABBERS ?? 1000), packets = Number(process.env.BENCH_PACKETS ?? 200)): Promise<string> {
  const dynamo = (await startDynamoLocal({ inMemory: true })) as { endpoint: string; stop(): Promise<void> };
  const rows: Row[] = [];
  try {
    rows.push(await crowd(dynamo.endpoint, 1, grabbers, packets));
    rows.push(await crowd(dynamo.endpoint, 16, grabbers, packets));
  } finally {
    await dynamo.stop();
  }
  const [base, ours] = rows as [Row, Row];
  const ceiling = (r: Row) => Math.floor((1000 * r.roundWrites) / r.hottestWrites);
  return [
    '## Red packets: grabbing one round',
    '',
    `${int(grabbers)} followers grab one ${int(packets)}-packet round at the same moment (\`grabRedPacket\` against DynamoDB Local, in memory, the round laid out beforehand as the minute schedule does). ` +
      'Writes are counted per partition key from the requests sent. The baseline keeps every share in one partition (an unsharded design); ours spreads them over 16.',
    '',
    '| shards | grabbers | winners | wall ms | grabs/s | p50 ms | p99 ms | DynamoDB calls | writes | writes to round partitions | hottest partition | its writes | share of round writes | round ceiling at 1,000 writes/s per partition |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.shards} | ${int(r.grabbers)} | ${int(r.winners)} | ${int(r.wallMs)} | ${int((r.grabbers / r.wallMs) * 1000)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${int(r.calls)} | ${int(r.writes)} | ${int(r.roundWrites)} | \`${r.hottestKey}\` | ${int(r.hottestWrites)} | ${((100 * r.hottestWrites) / Math.max(1, r.roundWrites)).toFixed(1)} % | ~${int(ceiling(r))} writes/s |`,
    ),
    '',
    `**Ratio (same run):** the hottest partition takes ${(base.hottestWrites / ours.hottestWrites).toFixed(1)}× fewer writes with 16 shards than with 1, so a round can absorb about ${int(ceiling(ours))} writes/s before one partition reaches DynamoDB's ~1,000 writes/s, against ~1,000 for the baseline. ` +
      `Throughput on DynamoDB Local is ${(ours.wallMs ? base.wallMs / ours.wallMs : 0).toFixed(2)}× the baseline's (DynamoDB Local is one process on this machine, so wall time says little about the service; the write distribution is what carries over). ` +
      'Each winning grab writes its share partition three times (the hold, the FREE→TAKEN move, the shard counter) and its own member partition four times (round and day counts, the push record, the wallet); a loser writes at most one hold that failed.',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log(await benchGrab(process.argv[2] ? Number(process.argv[2]) : undefined, process.argv[3] ? Number(process.argv[3]) : undefined));
  process.exit(0);
}
