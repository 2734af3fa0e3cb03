/**
 * Benchmark 1a: messages per second through the callback's protocol path, ours against co-wechat's
 * middleware, on the same pre-built signed pushes, in plain and safe (aes) mode. No database on
 * either side: ours runs with in-memory DedupStore/MemberStore (bench/memoryPorts.ts).
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { callbackDeadlineMs } from '../lib/config/config';
import { answerPush } from '../lib/conversation/answerPush';
import type { ConversationPorts } from '../lib/conversation/respondToFollower';
import { deadlineAfter } from '../lib/deadline/deadline';
import { openPush, sealReply, type CallbackSecrets, type Mode } from '../lib/wechat/callback';
import { buildReplyXml } from '../lib/wechat/reply';
import type { ReplayRecord } from '../lib/wechat/replayRecord';
import { TEST_CONFIG } from '../tests/support/testTable';
import { demoRules, memoryConversationPorts, memoryReplayRecord } from './memoryPorts';
import { assertReply, benchSecrets, buildPushes, BENCH_TEXT, type Push } from './pushes';
import { say, stats, timedLoop, type Stats } from './support';

// ---------------------------------------------------------------- co-wechat, driven like koa would

interface CoCtx {
  query: Record<string, string>;
  method: string;
  request: { body?: string; length?: number; charset?: string };
  req?: Readable;
  status?: number;
  body?: unknown;
  type?: string;
}
type CoMiddleware = (ctx: CoCtx, next?: () => Promise<void>) => Promise<void>;
type CoWechat = (config: { token: string; appid: string; encodingAESKey: string }) => {
  middleware(handle: (message: Record<string, unknown>, ctx: CoCtx) => Promise<unknown>): CoMiddleware;
};
const require = createRequire(import.meta.url);
const coWechat = require('co-wechat') as CoWechat;

export type Side = 'co-wechat' | 'ours';

export interface ProtocolRow {
  id: string;
  side: Side;
  mode: Mode;
  label: string;
  what: string;
  n: number;
  msgsPerSec: number;
  /** Throughput of each interleaved round, for the spread. */
  roundRates: number[];
  latencyUs: Stats;
}

interface Variant {
  id: string;
  side: Side;
  mode: Mode;
  label: string;
  what: string;
  /** A fresh round: new stores, the push pool from the start. Returns the per-message call. */
  round(pool: Push[]): Promise<(i: number) => Promise<unknown>>;
  /** Checks one answer so we never benchmark an error path. */
  check(pool: Push[]): Promise<void>;
}

function expectedText(): string {
  const hours = demoRules().find((r) => r.id === 'hours');
  if (hours?.reply.type !== 'text') throw new Error('config/demo.json has no text rule "hours"');
  return hours.reply.content;
}

/** The callback's ports in memory: the conversation's and the replay record. */
export interface MemoryCallbackPorts {
  ports: ConversationPorts;
  replays: ReplayRecord;
}

export function memoryCallbackPorts(): MemoryCallbackPorts {
  return { ports: memoryConversationPorts(), replays: memoryReplayRecord() };
}

/** The callback's POST path (lib/conversation/answerPush.ts, as handlers/wechat.ts runs it), with the ports passed in. */
export async function ourCallback(push: Push, secrets: CallbackSecrets, { ports, replays }: MemoryCallbackPorts) {
  return answerPush(push.event, { secrets, ports, replays }, deadlineAfter(callbackDeadlineMs()));
}

function variants(mode: Mode, secrets: CallbackSecrets, reply: string): Variant[] {
  const mw = coWechat({ token: TEST_CONFIG.WECHAT_TOKEN, appid: TEST_CONFIG.WECHAT_APPID, encodingAESKey: TEST_CONFIG.WECHAT_ENCODING_AES_KEY }).middleware(
    async () => reply,
  );
  const coString = async (p: Push) => {
    const ctx: CoCtx = { query: p.query, method: 'POST', request: { body: p.body } };
    await mw(ctx);
    if (ctx.status && ctx.status !== 200) throw new Error(`co-wechat answered ${ctx.status}: ${String(ctx.body)}`);
    return String(ctx.body);
  };
  const coStreamCtx = (p: Push): CoCtx => ({
    query: p.query,
    method: 'POST',
    request: { length: p.bodyBuffer.length, charset: 'utf-8' },
    req: Readable.from([p.bodyBuffer], { objectMode: false }),
  });
  const ourProtocol = (p: Push) => {
    const now = Date.now();
    const opened = openPush(p.query, p.body, secrets, now);
    if (!opened.ok) throw new Error(`openPush refused: ${opened.error}`);
    const xml = buildReplyXml({ type: 'text', content: reply }, opened.message.openid, opened.message.toUser, now);
    return sealReply(xml, opened.mode, secrets, now);
  };
  const ourRouted = async (p: Push, ports: MemoryCallbackPorts) => {
    const res = await ourCallback(p, secrets, ports);
    if (res.statusCode !== 200) throw new Error(`our callback answered ${res.statusCode}: ${String(res.body)}`);
    return String(res.body);
  };
  return [
    {
      id: `co-string-${mode}`,
      side: 'co-wechat',
      mode,
      label: 'co-wechat, body as string',
      what: 'signature check, xml2js parse (+ msg_signature, decrypt, 2nd parse in aes), handler returns the text, ejs reply (+ encrypt, sign in aes)',
      check: async (pool) => assertReply('co-wechat', await coString(pool[0]!), mode, reply),
      round: async (pool) => (i) => coString(pool[i]!),
    },
    {
      id: `co-stream-${mode}`,
      side: 'co-wechat',
      mode,
      label: 'co-wechat, body read with raw-body',
      what: 'as above, plus raw-body reading the request stream (what it does under koa)',
      check: async (pool) => {
        const ctx = coStreamCtx(pool[0]!);
        await mw(ctx);
        assertReply('co-wechat stream', String(ctx.body), mode, reply);
      },
      round: async (pool) => {
        const ctxs = pool.map(coStreamCtx);
        return (i) => mw(ctxs[i]!);
      },
    },
    {
      id: `ours-protocol-${mode}`,
      side: 'ours',
      mode,
      label: 'ours, protocol only',
      what: 'openPush (signature, replay window, strict XML, msg_signature, decrypt with appid check) + buildReplyXml of the same text + sealReply',
      check: async (pool) => assertReply('ours protocol', ourProtocol(pool[0]!), mode, reply),
      round: async (pool) => async (i) => ourProtocol(pool[i]!),
    },
    {
      id: `ours-routed-${mode}`,
      side: 'ours',
      mode,
      label: 'ours, callback with in-memory ports',
      what: "the callback's POST path (answerPush): openPush + replay record + respondToFollower (dedup claim/complete, member upsert, daily counters, demo rules) + sealReply",
      check: async (pool) => assertReply('ours routed', await ourRouted(pool[0]!, memoryCallbackPorts()), mode, reply),
      round: async (pool) => {
        const ports = memoryCallbackPorts();
        return (i) => ourRouted(pool[i]!, ports);
      },
    },
    {
      id: `ours-retry-${mode}`,
      side: 'ours',
      mode,
      label: 'ours, WeChat retry (dedup hit)',
      what: 'the same push again: openPush + replay record (same push) + dedup claim finds the stored reply + sealReply; no member write, no routing',
      check: async (pool) => {
        const ports = memoryCallbackPorts();
        await ourRouted(pool[0]!, ports);
        assertReply('ours retry', await ourRouted(pool[0]!, ports), mode, reply);
      },
      round: async (pool) => {
        const ports = memoryCallbackPorts();
        const push = pool[0]!;
        await ourRouted(push, ports); // first delivery, not measured
        return () => ourRouted(push, ports);
      },
    },
  ];
}

export interface ProtocolOptions {
  rounds: number;
  roundMs: number;
  warmupMs: number;
  poolSize: number;
  minMessages: number;
}

export const PROTOCOL_DEFAULTS: ProtocolOptions = { rounds: 6, roundMs: 450, warmupMs: 400, poolSize: 25_000, minMessages: 5_000 };

/** Runs every variant in interleaved rounds (the order rotates each round) and aggregates them. */
export async function benchProtocol(opts: ProtocolOptions = PROTOCOL_DEFAULTS): Promise<ProtocolRow[]> {
  const secrets = benchSecrets();
  const reply = expectedText();
  const pools: Record<Mode, Push[]> = { plain: buildPushes(opts.poolSize, 'plain'), aes: buildPushes(opts.poolSize, 'aes') };
  const all = [...variants('plain', secrets, reply), ...variants('aes', secrets, reply)];
  const acc = new Map<string, { latencies: number[]; wallMs: number; roundRates: number[] }>();

  for (const v of all) {
    await v.check(pools[v.mode]);
    const once = await v.round(pools[v.mode]);
    await timedLoop(once, { ms: opts.warmupMs, limit: opts.poolSize });
    acc.set(v.id, { latencies: [], wallMs: 0, roundRates: [] });
  }
  say(`protocol: warmed up ${all.length} variants; ${opts.rounds}+ interleaved rounds of ${opts.roundMs} ms each`);

  const enough = () => [...acc.values()].every((a) => a.latencies.length >= opts.minMessages && a.wallMs >= 2000);
  for (let r = 0; r < opts.rounds || (!enough() && r < opts.rounds * 3); r++) {
    const order = all.map((_, k) => all[(k + r) % all.length]!);
    for (const v of order) {
      const once = await v.round(pools[v.mode]);
      const out = await timedLoop(once, { ms: opts.roundMs, limit: opts.poolSize });
      const a = acc.get(v.id)!;
      for (const l of out.latencies) a.latencies.push(l);
      a.wallMs += out.wallMs;
      a.roundRates.push(out.latencies.length / (out.wallMs / 1000));
    }
  }

  return all.map((v) => {
    const a = acc.get(v.id)!;
    const s = stats(a.latencies);
    const toUs = (x: number) => x * 1000;
    return {
      id: v.id,
      side: v.side,
      mode: v.mode,
      label: v.label,
      what: v.what,
      n: s.n,
      msgsPerSec: s.n / (a.wallMs / 1000),
      roundRates: a.roundRates,
      latencyUs: { n: s.n, p50: toUs(s.p50), p99: toUs(s.p99), min: toUs(s.min), max: toUs(s.max), mean: toUs(s.mean) },
    };
  });
}

export { BENCH_TEXT };
