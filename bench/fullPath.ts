/**
 * Benchmark 1b: handleWeChat end to end against DynamoDB Local — verify, decrypt, parse, durable
 * dedup (claim + complete), member upsert, routing on the demo rules (read from the table behind
 * the 5 s cache), reply, seal. DynamoDB requests are counted on Node's `http.client.request.start`
 * diagnostics channel, so "calls per message" is measured, not assumed.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import type { Mode } from '../lib/wechat/callback';
import { createTable } from '../lib/store/dynamo';
import { ensureTable } from '../lib/store/ensureTable';
import { loadDemoConfig } from '../lib/setup/loadDemoConfig';
import { TEST_CONFIG } from '../tests/support/testTable';
import { demoRules } from './memoryPorts';
import { assertReply, buildPushes, type Push } from './pushes';
import { say, stats, timedLoop, type Stats } from './support';

export interface FullPathRow {
  id: string;
  mode: Mode;
  label: string;
  n: number;
  msgsPerSec: number;
  roundRates: number[];
  latencyMs: Stats;
  dynamoCallsPerMessage: number;
}

export interface FullPathOptions {
  warmup: number;
  rounds: number;
  perRound: number;
}

export const FULL_PATH_DEFAULTS: FullPathOptions = { warmup: 150, rounds: 4, perRound: 250 };

/** The callback's environment, as serverless.yml sets it, pointing at DynamoDB Local. */
export function callbackEnv(endpoint: string, tableName: string): Record<string, string> {
  return {
    ...TEST_CONFIG,
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  };
}

/** A fresh table from serverless.yml's declaration, with config/demo.json's rules and menu loaded. */
export async function prepareTable(endpoint: string, tableName: string): Promise<void> {
  await ensureTable(endpoint, tableName);
  const table = createTable(tableName, endpoint);
  try {
    await loadDemoConfig(table, JSON.parse(readFileSync(new URL('../config/demo.json', import.meta.url), 'utf8')), Date.now());
  } finally {
    table.doc.destroy();
  }
}

export async function benchFullPath(endpoint: string, tableName: string, opts: FullPathOptions = FULL_PATH_DEFAULTS): Promise<FullPathRow[]> {
  Object.assign(process.env, callbackEnv(endpoint, tableName));
  const { handleWeChat } = await import('../handlers/wechat');
  const hours = demoRules().find((r) => r.id === 'hours')!;
  const expected = hours.reply.type === 'text' ? hours.reply.content : '';

  const port = new URL(endpoint).port;
  let calls = 0;
  const onRequest = (msg: unknown) => {
    const req = (msg as { request?: ClientRequest }).request;
    if (req && String(req.getHeader('host') ?? '').endsWith(`:${port}`)) calls++;
  };
  subscribe('http.client.request.start', onRequest);

  const call = async (p: Push) => {
    const res = await handleWeChat(p.event);
    if (res.statusCode !== 200) throw new Error(`handleWeChat answered ${res.statusCode}: ${String(res.body)}`);
    return String(res.body);
  };

  type V = { id: string; mode: Mode; label: string; retry: boolean };
  const vs: V[] = [
    { id: 'full-plain', mode: 'plain', label: 'handleWeChat + DynamoDB Local, new message', retry: false },
    { id: 'full-aes', mode: 'aes', label: 'handleWeChat + DynamoDB Local, new message', retry: false },
    { id: 'full-retry-plain', mode: 'plain', label: 'handleWeChat + DynamoDB Local, WeChat retry (dedup hit)', retry: true },
    { id: 'full-retry-aes', mode: 'aes', label: 'handleWeChat + DynamoDB Local, WeChat retry (dedup hit)', retry: true },
  ];
  const need = opts.warmup + opts.rounds * opts.perRound;
  // One more than the new-message rows use: the last push is the one the retry rows repeat.
  const pools: Record<Mode, Push[]> = { plain: buildPushes(need + 1, 'plain'), aes: buildPushes(need + 1, 'aes') };
  const cursor: Record<string, number> = {};
  const acc = new Map<string, { latencies: number[]; wallMs: number; roundRates: number[]; calls: number }>();

  try {
    for (const v of vs) {
      const pool = pools[v.mode];
      if (v.retry) {
        // The push that every retry repeats: delivered once (answered and stored) before measuring.
        const first = pool[pool.length - 1]!;
        assertReply(v.id, await call(first), v.mode, expected);
        assertReply(`${v.id} replay`, await call(first), v.mode, expected);
        await timedLoop(() => call(first), { ms: 60_000, limit: opts.warmup });
      } else {
        assertReply(v.id, await call(pool[0]!), v.mode, expected);
        await timedLoop((i) => call(pool[1 + i]!), { ms: 60_000, limit: opts.warmup - 1 });
        cursor[v.id] = opts.warmup;
      }
      acc.set(v.id, { latencies: [], wallMs: 0, roundRates: [], calls: 0 });
    }
    say(`full path: warmed up; ${opts.rounds} interleaved rounds of ${opts.perRound} messages per variant`);

    for (let r = 0; r < opts.rounds; r++) {
      const order = vs.map((_, k) => vs[(k + r) % vs.length]!);
      for (const v of order) {
        const pool = pools[v.mode];
        const first = pool[pool.length - 1]!;
        const start = cursor[v.id] ?? 0;
        const before = calls;
        const out = await timedLoop((i) => call(v.retry ? first : pool[start + i]!), { ms: 120_000, limit: opts.perRound });
        const a = acc.get(v.id)!;
        a.calls += calls - before;
        if (!v.retry) cursor[v.id] = start + out.latencies.length;
        for (const l of out.latencies) a.latencies.push(l);
        a.wallMs += out.wallMs;
        a.roundRates.push(out.latencies.length / (out.wallMs / 1000));
      }
    }
  } finally {
    unsubscribe('http.client.request.start', onRequest);
  }

  return vs.map((v) => {
    const a = acc.get(v.id)!;
    const s = stats(a.latencies);
    return {
      id: v.id,
      mode: v.mode,
      label: v.label,
      n: s.n,
      msgsPerSec: s.n / (a.wallMs / 1000),
      roundRates: a.roundRates,
      latencyMs: s,
      dynamoCallsPerMessage: a.calls / Math.max(1, s.n),
    };
  });
}
