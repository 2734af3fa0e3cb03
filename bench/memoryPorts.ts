/**
 * In-memory stand-ins for the callback's DynamoDB ports, with the same semantics as
 * lib/wechat/dynamoReplayRecord.ts, lib/conversation/dynamoDedupStore.ts, lib/members/dynamoMemberStore.ts
 * and lib/stats/dynamoStatsStore.ts (the daily counters behind `onInteraction`), and the demo rules
 * (config/demo.json) compiled with compileRules behind the same 5 s cache the real wiring uses.
 * They let the protocol benchmark measure our code rather than a database.
 */
import { readFileSync } from 'node:fs';
import { compileRules } from '../lib/autoreply/engine';
import { RULES_CACHE_MS } from '../lib/app/conversation';
import { systemClock } from '../lib/clock/clock';
import type { Action } from '../lib/conversation/actions';
import type { DedupState, DedupStore } from '../lib/conversation/dedupStore';
import type { ConversationPorts } from '../lib/conversation/respondToFollower';
import type { Interaction, Member } from '../lib/members/member';
import type { MemberAttributes, MemberStore } from '../lib/members/memberStore';
import { demoConfigSchema } from '../lib/setup/loadDemoConfig';
import { cacheFor } from '../lib/store/cacheFor';
import type { StatsStore } from '../lib/stats/dailyStats';
import { interactionCounter } from '../lib/stats/recordStats';
import type { Rule } from '../lib/autoreply/rule';
import type { ReplayRecord } from '../lib/wechat/replayRecord';

const LEASE_MS = 15_000;

/** lib/wechat/dynamoReplayRecord.ts in memory: a signed query's first use records its push's hash. */
export function memoryReplayRecord(): ReplayRecord {
  const used = new Map<string, string>();
  return {
    async use({ timestamp, nonce }, pushHash) {
      const k = `${timestamp}#${nonce}`;
      const old = used.get(k);
      if (old === undefined) {
        used.set(k, pushHash);
        return 'first';
      }
      return old === pushHash ? 'same-push' : 'other-push';
    },
  };
}

type Entry = { state: 'pending'; leaseUntil: number } | { state: 'done'; reply: string };

export function memoryDedupStore(): DedupStore & { size(): number } {
  const items = new Map<string, Entry>();
  const toState = (e: Entry | undefined): DedupState =>
    !e ? { status: 'absent' } : e.state === 'done' ? { status: 'done', reply: e.reply } : { status: 'pending' };
  return {
    async claim(k, nowMs) {
      const e = items.get(k);
      if (!e || (e.state === 'pending' && e.leaseUntil < nowMs)) {
        items.set(k, { state: 'pending', leaseUntil: nowMs + LEASE_MS });
        return { status: 'claimed' };
      }
      return e.state === 'done' ? { status: 'done', reply: e.reply } : { status: 'pending' };
    },
    async complete(k, reply) {
      items.set(k, { state: 'done', reply });
    },
    async release(k) {
      if (items.get(k)?.state === 'pending') items.delete(k);
    },
    async read(k) {
      return toState(items.get(k));
    },
    size: () => items.size,
  };
}

export function memoryMemberStore(): MemberStore {
  const items = new Map<string, Member>();
  return {
    async recordInteraction(openid: string, interaction: Interaction) {
      const at = new Date(interaction.at).toISOString();
      const old = items.get(openid);
      const m: Member = old
        ? { ...old, lastInteractionAt: at }
        : { openid, subscribed: false, firstSeenAt: at, lastInteractionAt: at, points: 0, level: '普通', tags: [] };
      if (interaction.kind === 'message') {
        m.lastMessageAt = at;
        if (!old) m.subscribed = true;
      } else {
        if (interaction.event !== 'unsubscribe') m.lastEventAt = at;
        switch (interaction.event) {
          case 'subscribe':
            m.subscribed = true;
            m.subscribedAt = at;
            delete m.unsubscribedAt;
            if (interaction.scene) {
              m.source ??= interaction.scene;
              m.lastScene = interaction.scene;
            }
            if (interaction.ticket) m.sourceTicket ??= interaction.ticket;
            break;
          case 'unsubscribe':
            m.subscribed = false;
            m.unsubscribedAt = at;
            break;
          case 'scan':
            m.lastScene = interaction.scene;
            if (!old) m.subscribed = true;
            break;
          default:
            if (!old) m.subscribed = true;
        }
      }
      items.set(openid, m);
      // The DynamoDB adapter returns a fresh object (ReturnValues ALL_NEW); so does this one.
      return { ...m, tags: [...m.tags] };
    },
    async setAttributes(openid: string, attributes: MemberAttributes) {
      const old = items.get(openid);
      if (!old) return undefined;
      const next: Record<string, unknown> = { ...old };
      for (const [k, v] of Object.entries(attributes))
        if (v === null) delete next[k];
        else if (v !== undefined) next[k] = v;
      items.set(openid, next as unknown as Member);
      return next as unknown as Member;
    },
    async get(openid) {
      return items.get(openid);
    },
  };
}

/** Daily counters in memory, with lib/stats/dynamoStatsStore.ts's semantics (markActive true once per member and day). */
export function memoryStatsStore(): StatsStore {
  const counters = new Map<string, Record<string, number>>();
  const active = new Set<string>();
  return {
    async add(day, counts) {
      const c = counters.get(day) ?? {};
      for (const [k, v] of Object.entries(counts)) if (v) c[k] = (c[k] ?? 0) + v;
      counters.set(day, c);
    },
    async markActive(day, openid) {
      const k = `${day}|${openid}`;
      if (active.has(k)) return false;
      active.add(k);
      return true;
    },
    async read(days) {
      return new Map(days.map((d) => [d, { ...(counters.get(d) ?? {}) }]));
    },
  };
}

/** The demo rules exactly as `npm start` loads them (schema defaults applied), as Rule objects. */
export function demoRules(nowMs = Date.now()): Rule[] {
  const demo = demoConfigSchema.parse(JSON.parse(readFileSync(new URL('../config/demo.json', import.meta.url), 'utf8')));
  return demo.autoreplyRules.map(({ id, ...rule }) => ({ ...rule, id, updatedAt: new Date(nowMs).toISOString() }));
}

/**
 * ConversationPorts as lib/app/conversation.ts wires them, with in-memory stores instead of DynamoDB.
 * No actions are registered: the benchmarked message ("hours" keyword) never reaches one, and the
 * real SIGN_IN / MY_ACCOUNT actions need the points ledger in DynamoDB.
 */
export function memoryConversationPorts(rules: readonly Rule[] = demoRules()): ConversationPorts {
  const cached = cacheFor(RULES_CACHE_MS, async () => compileRules(rules), systemClock);
  const actions = new Map<string, Action>();
  const timeZone = 'Asia/Shanghai';
  return {
    dedup: memoryDedupStore(),
    members: memoryMemberStore(),
    rules: () => cached.get(),
    actions,
    onInteraction: interactionCounter(memoryStatsStore(), timeZone),
    clock: systemClock,
    timeZone,
  };
}
