import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import type { BroadcastRecord } from './broadcast';
import { broadcastSchema } from './broadcastSchema';
import type { BroadcastStore } from './broadcastStore';
import { cancelBroadcast } from './cancelBroadcast';
import { scheduleBroadcast } from './scheduleBroadcast';

// Use cases against an in-memory store: no table, no HTTP.
function memoryBroadcasts(): BroadcastStore & { byId: Map<string, BroadcastRecord>; beforeSave?: () => void } {
  const byId = new Map<string, BroadcastRecord>();
  const store: BroadcastStore & { byId: typeof byId; beforeSave?: () => void } = {
    byId,
    get: async (id) => byId.get(id),
    list: async (limit) => [...byId.values()].reverse().slice(0, limit),
    due: async () => [],
    create: async (b) => {
      if (byId.has(b.id)) return false;
      byId.set(b.id, b);
      return true;
    },
    async save(b, readVersion) {
      store.beforeSave?.();
      if (byId.get(b.id)?.version !== readVersion) return 'conflict';
      byId.set(b.id, b);
      return 'saved';
    },
  };
  return store;
}

const config = (sendAt: string) => broadcastSchema.parse({ message: { channel: 'custom', text: 'hi' }, segment: { tag: 'x' }, sendAt, quietHours: null });

function ports(counters: Record<string, number> = {}) {
  const broadcasts = memoryBroadcasts();
  return { broadcasts, deliveries: { counters: async () => counters }, clock: fixedClock(Date.parse('2026-12-02T03:00:00Z')), timeZone: 'Asia/Shanghai' };
}

test('a broadcast is due at its sendAt in the account zone; a date in the past or no date is invalid', async () => {
  const p = ports();
  const later = await scheduleBroadcast(p, config('2026-12-03T09:00'));
  assert.ok(later.ok);
  assert.equal(later.value.dueAt, '2026-12-03T01:00:00.000Z');
  assert.equal(later.value.status, 'scheduled');
  const now = await scheduleBroadcast(p, config('now'));
  assert.ok(now.ok);
  assert.equal(now.value.dueAt, '2026-12-02T03:00:00.000Z');

  const past = await scheduleBroadcast(p, config('2026-12-01T09:00'));
  assert.ok(!past.ok);
  assert.equal(past.error.kind, 'invalid');
  assert.match(past.error.message, /^sendAt: 2026-12-01T09:00 is in the past \(account time zone Asia\/Shanghai\)/);
  assert.deepEqual(past.error.details, { issues: [{ path: 'sendAt', message: 'in the past' }] });
  assert.equal(p.broadcasts.byId.size, 2);
});

test('cancelling: once is enough, a finished broadcast cannot be, a concurrent change is read again', async () => {
  const p = ports();
  const made = await scheduleBroadcast(p, config('2026-12-03T09:00'));
  assert.ok(made.ok);
  // A worker bumps the version between the cancel's read and its save, once.
  let raced = false;
  p.broadcasts.beforeSave = () => {
    if (raced) return;
    raced = true;
    const b = p.broadcasts.byId.get(made.value.id)!;
    p.broadcasts.byId.set(b.id, { ...b, version: b.version + 1 });
  };
  const cancelled = await cancelBroadcast(p, made.value.id);
  assert.ok(cancelled.ok);
  assert.equal(cancelled.value.status, 'cancelled');
  assert.equal(cancelled.value.version, 3);
  assert.equal(cancelled.value.dueAt, undefined, 'off the due index');
  const again = await cancelBroadcast(p, made.value.id);
  assert.ok(again.ok);
  assert.equal(again.value.version, 3);
  assert.deepEqual(await cancelBroadcast(p, 'b-none'), { ok: false, error: { kind: 'not-found', message: 'broadcast b-none not found' } });

  const finished = ports({ 'sent.custom': 1 });
  const sent = await scheduleBroadcast(finished, config('now'));
  assert.ok(sent.ok);
  const b = finished.broadcasts.byId.get(sent.value.id)!;
  finished.broadcasts.byId.set(b.id, { ...b, state: 'expanded', expansion: { queued: 1, chunks: 1, finishedAt: b.createdAt } });
  assert.deepEqual(await cancelBroadcast(finished, b.id), {
    ok: false,
    error: { kind: 'conflict', message: 'the broadcast has gone out to everyone; nothing is left to cancel', details: { status: 'done' } },
  });
});
