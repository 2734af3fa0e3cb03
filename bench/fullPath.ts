/**
 * Benchmark 1b: handleWeChat end to end against DynamoDB Local — verify, decrypt, parse, the replay
 * record, durable dedup (claim + complete), member upsert, daily counters, routing on the demo rules
 * (read from the table behind the 5 s cache), reply, seal. DynamoDB requests are counted on Node's
 * `http.client.request.start` diagnostics channel, per operation, so "calls per message" is
 * measured, not assumed.
 *
 * The deployed functions run on Node 22 (nodejs22.x), so this runs once per Node (bench/nodes.ts),
 * each in a child process of its own (bench/fullPathChild.ts) with its own table, the children
 * taking turns round by round. Each child also runs the same pushes through the in-memory mirror of
 * the callback (section 1a's `ourCallback`): the baseline on the same Node in the same run.
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
import { memoryCallbackPorts, ourCallback } from './protocol';
import { assertReply, benchSecrets, buildPushes, type Push } from './pushes';
import { say, stats, timedLoop, type Stats } from './support';

export interface FullPathRow {
  id: string;
  mode: Mode;
  label: string;
  /** `dynamo`: handleWeChat against DynamoDB Local; `memory`: the in-memory mirror (the baseline). */
  kind: 'dynamo' | 'memory';
  retry: boolean;
  n: number;
  msgsPerSec: number;
  roundRates: number[];
  latencyMs: Stats;
  dynamoCallsPerMessage: number;
  /** DynamoDB requests per message by operation (X-Amz-Target), e.g. { PutItem: 3.01, UpdateItem: 2 }. */
  callsByOperation: Record<string, number>;
}

export interface FullPathOptions {
  warmup: number;
  rounds: number;
  perRound: number;
}

export const FULL_PATH_DEFAULTS: FullPathOptions = { warmup: 150, rounds: 5, perRound: 200 };

/** Distinct followers per mode: a new-message row's first 1,000 pushes are each one's first of the day. */
export const FOLLOWERS = 1000;

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

export interface FullPathSession {
  /** One round: every variant once, `perRound` messages each, in an order that rotates with `r`. */
  round(r: number): Promise<void>;
  rows(): FullPathRow[];
  close(): void;
}

/**
 * Warms every variant up (checking its first reply) and returns the session that runs the rounds.
 * Reads the callback's configuration from process.env (callbackEnv), as the handler does.
 */
export async function startFullPath(endpoint: string, opts: FullPathOptions = FULL_PATH_DEFAULTS): Promise<FullPathSession> {
  const { handler: handleWeChat } = await import('../handlers/wechat');
  const hours = demoRules().find((r) => r.id === 'hours')!;
  const expected = hours.reply.type === 'text' ? hours.reply.content : '';
  const secrets = benchSecrets();

  const port = new URL(endpoint).port;
  let calls = 0;
  const byOperation = new Map<string, number>();
  const onRequest = (msg: unknown) => {
    const req = (msg as { request?: ClientRequest }).request;
    if (!req || !String(req.getHeader('host') ?? '').endsWith(`:${port}`)) return;
    calls++;
    const op = String(req.getHeader('x-amz-target') ?? '?').replace(/^DynamoDB_\d+\./, '');
    byOperation.set(op, (byOperation.get(op) ?? 0) + 1);
  };
  subscribe('http.client.request.start', onRequest);

  type V = { id: string; mode: Mode; label: string; kind: 'dynamo' | 'memory'; retry: boolean; call: (p: Push) => Promise<string> };
  const viaDynamo = async (p: Push) => {
    const res = await handleWeChat(p.event);
    if (res.statusCode !== 200) throw new Error(`handleWeChat answered ${res.statusCode}: ${String(res.body)}`);
    return String(res.body);
  };
  const viaMemory = () => {
    const ports = memoryCallbackPorts();
    return async (p: Push) => {
      const res = await ourCallback(p, secrets, ports);
      if (res.statusCode !== 200) throw new Error(`in-memory callback answered ${res.statusCode}: ${String(res.body)}`);
      return String(res.body);
    };
  };
  const NEW = 'new message';
  const RETRY = 'WeChat retry (dedup hit)';
  const vs: V[] = (['plain', 'aes'] as Mode[]).flatMap((mode) => [
    { id: `full-${mode}`, mode, label: `handleWeChat + DynamoDB Local, ${NEW}`, kind: 'dynamo' as const, retry: false, call: viaDynamo },
    { id: `full-retry-${mode}`, mode, label: `handleWeChat + DynamoDB Local, ${RETRY}`, kind: 'dynamo' as const, retry: true, call: viaDynamo },
    { id: `mem-${mode}`, mode, label: `in-memory ports (baseline), ${NEW}`, kind: 'memory' as const, retry: false, call: viaMemory() },
    { id: `mem-retry-${mode}`, mode, label: `in-memory ports (baseline), ${RETRY}`, kind: 'memory' as const, retry: true, call: viaMemory() },
  ]);
  // Pushes are signed just before their round: the replay window (300 s) is shorter than the whole
  // of 1b on two Nodes. Each mode has 1,000 followers of its own, sending in turn, so plain and aes
  // rows meet as many first messages of the day; the in-memory rows take the same followers as the
  // DynamoDB rows (their stores are their own).
  const sent = new Map<string, number>();
  const nextBatch = (v: V, count: number) => {
    const from = sent.get(v.id) ?? 0;
    sent.set(v.id, from + count);
    return buildPushes(count, v.mode, { followers: FOLLOWERS, from, firstFollower: v.mode === 'plain' ? 0 : FOLLOWERS });
  };
  /** A retry row's push for a round: delivered once (answered and stored) before it is repeated. */
  const deliveredOnce = async (v: V) => {
    const [push] = nextBatch(v, 1);
    assertReply(v.id, await v.call(push!), v.mode, expected);
    return push!;
  };
  const acc = new Map<string, { latencies: number[]; wallMs: number; roundRates: number[]; calls: number; ops: Map<string, number> }>();

  for (const v of vs) {
    if (v.retry) {
      const push = await deliveredOnce(v);
      assertReply(`${v.id} replay`, await v.call(push), v.mode, expected);
      await timedLoop(() => v.call(push), { ms: 60_000, limit: opts.warmup });
    } else {
      const pool = nextBatch(v, opts.warmup);
      assertReply(v.id, await v.call(pool[0]!), v.mode, expected);
      await timedLoop((i) => v.call(pool[1 + i]!), { ms: 60_000, limit: opts.warmup - 1 });
    }
    acc.set(v.id, { latencies: [], wallMs: 0, roundRates: [], calls: 0, ops: new Map() });
  }
  say(`full path on Node ${process.version}: warmed up; ${opts.rounds} rounds of ${opts.perRound} messages per variant`);

  return {
    async round(r) {
      const order = vs.map((_, k) => vs[(k + r) % vs.length]!);
      for (const v of order) {
        const retried = v.retry ? await deliveredOnce(v) : undefined;
        const pool = retried ? [] : nextBatch(v, opts.perRound);
        const before = calls;
        const opsBefore = new Map(byOperation);
        const out = await timedLoop((i) => v.call(retried ?? pool[i]!), { ms: 120_000, limit: opts.perRound });
        const a = acc.get(v.id)!;
        a.calls += calls - before;
        for (const [op, n] of byOperation) a.ops.set(op, (a.ops.get(op) ?? 0) + n - (opsBefore.get(op) ?? 0));
        for (const l of out.latencies) a.latencies.push(l);
        a.wallMs += out.wallMs;
        a.roundRates.push(out.latencies.length / (out.wallMs / 1000));
      }
    },
    rows() {
      return vs.map((v) => {
        const a = acc.get(v.id)!;
        const s = stats(a.latencies);
        const per = (x: number) => x / Math.max(1, s.n);
        return {
          id: v.id,
          mode: v.mode,
          label: v.label,
          kind: v.kind,
          retry: v.retry,
          n: s.n,
          msgsPerSec: s.n / (a.wallMs / 1000),
          roundRates: a.roundRates,
          latencyMs: s,
          dynamoCallsPerMessage: per(a.calls),
          callsByOperation: Object.fromEntries([...a.ops].filter(([, n]) => n > 0).map(([op, n]) => [op, per(n)])),
        };
      });
    },
    close() {
      unsubscribe('http.client.request.start', onRequest);
    },
  };
}
