import type { BroadcastRecord } from './broadcast';

export type BroadcastStatus = 'scheduled' | 'expanding' | 'sending' | 'held' | 'done' | 'cancelled';

export interface BroadcastProgress {
  /** Members selected (subscribed members of the segment); null until the audience is fully read. */
  audience: number | null;
  queued: number;
  sent: number;
  sentBy: Record<string, number>;
  skipped: Record<string, number>;
  failed: Record<string, number>;
  /** From TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH. */
  delivered: number;
  deliveryFailed: number;
  /** Queued but not settled yet (or, once cancelled, never to be sent). */
  pending: number;
  /** Settled / audience, 0–100; null while the audience is still being read. */
  percent: number | null;
}

function byPrefix(counters: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counters)
      .filter(([k, v]) => k.startsWith(prefix) && v > 0)
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export function progressOf(b: BroadcastRecord, counters: Record<string, number>): BroadcastProgress {
  const sentBy = byPrefix(counters, 'sent.');
  const skipped = byPrefix(counters, 'skipped.');
  const failed = byPrefix(counters, 'failed.');
  const settled = sum(sentBy) + sum(skipped) + sum(failed);
  const audience = b.state === 'expanded' || (b.state === 'cancelled' && !!b.expansion.finishedAt) ? b.expansion.queued : null;
  const pending = Math.max(0, b.expansion.queued - settled);
  return {
    audience,
    queued: b.expansion.queued,
    sent: sum(sentBy),
    sentBy,
    skipped: b.state === 'cancelled' && pending > 0 ? { ...skipped, cancelled: (skipped.cancelled ?? 0) + pending } : skipped,
    failed,
    delivered: counters.delivered ?? 0,
    deliveryFailed: counters.deliveryFailed ?? 0,
    pending: b.state === 'cancelled' ? 0 : pending,
    percent: audience === null ? null : audience === 0 ? 100 : Math.floor((Math.min(settled, audience) / audience) * 100),
  };
}

export function statusOf(b: BroadcastRecord, progress: BroadcastProgress, nowMs: number): BroadcastStatus {
  if (b.state === 'cancelled') return 'cancelled';
  if (b.state === 'scheduled') return 'scheduled';
  if (b.holdUntil && Date.parse(b.holdUntil) > nowMs && progress.pending > 0) return 'held';
  if (b.state === 'expanding') return 'expanding';
  return progress.pending > 0 ? 'sending' : 'done';
}
