import { holdsBack } from '../approvals/approval';
import type { Clock } from '../clock/clock';
import type { Member } from '../members/member';
import type { WorkQueue } from '../queue/queue';
import type { Segment } from '../segments/segment';
import type { SelectPage } from '../segments/select';
import { shardOf } from '../segments/shard';
import { quietHoursEnd, type BroadcastRecord } from './broadcast';
import type { BroadcastStore } from './broadcastStore';
import { CHUNK_SIZE, type Chunk } from './sendChunk';

export interface DispatchPorts {
  broadcasts: BroadcastStore;
  select: (segment: Segment, opts: { limit: number; cursor?: string }) => Promise<SelectPage>;
  queue: WorkQueue<Chunk>;
  clock: Clock;
  timeZone: string;
  /** Members read per audience page. */
  pageSize?: number;
}

export interface DispatchReport {
  /** Broadcast id → members queued in this run. */
  queued: Record<string, number>;
  /** Broadcasts due inside their quiet hours, moved to the morning. */
  held: string[];
}

/** Groups members by shard, so each chunk's records and counter live in one shard. */
export function chunksOf(broadcastId: string, members: readonly Pick<Member, 'openid'>[]): Chunk[] {
  const byShard = new Map<number, string[]>();
  for (const m of members) {
    const shard = shardOf(m.openid);
    const list = byShard.get(shard) ?? byShard.set(shard, []).get(shard)!;
    list.push(m.openid);
  }
  const chunks: Chunk[] = [];
  for (const [shard, openids] of byShard) {
    for (let i = 0; i < openids.length; i += CHUNK_SIZE) chunks.push({ broadcastId, shard, openids: openids.slice(i, i + CHUNK_SIZE) });
  }
  return chunks;
}

/**
 * The minute schedule: finds due broadcasts through the due index and expands each audience page
 * by page into the send queue, saving the cursor after every page. A run that stops (budget spent,
 * crash) leaves the broadcast due, and the next run resumes from the saved cursor; a page queued
 * twice is harmless because each member is settled once.
 */
export async function dispatchBroadcasts(ports: DispatchPorts, budgetMs: number): Promise<DispatchReport> {
  // The budget is the invocation's wall time, whatever the business clock says.
  const stopAt = performance.now() + budgetMs;
  const report: DispatchReport = { queued: {}, held: [] };
  const now = ports.clock.now();
  for (const due of await ports.broadcasts.due(new Date(now).toISOString(), 25)) {
    // Never due while it waits for approval; checked here too, so no path around the approval sends it.
    if (holdsBack(due.approval)) continue;
    let b: BroadcastRecord | undefined = due;
    const quietEnd = quietHoursEnd(b.config.quietHours, ports.timeZone, now);
    if (quietEnd) {
      if (
        (await ports.broadcasts.save(
          { ...b, dueAt: new Date(quietEnd).toISOString(), version: b.version + 1, updatedAt: new Date(now).toISOString() },
          b.version,
        )) === 'saved'
      )
        report.held.push(b.id);
      continue;
    }
    report.queued[b.id] = 0;
    while (b && performance.now() < stopAt) {
      const next = await expandPage(ports, b);
      if (!next) break;
      report.queued[b.id]! += next.queuedNow;
      b = next.record.dueAt ? next.record : undefined;
    }
  }
  return report;
}

async function expandPage(ports: DispatchPorts, b: BroadcastRecord): Promise<{ record: BroadcastRecord; queuedNow: number } | undefined> {
  const page = await ports.select(b.config.segment, { limit: ports.pageSize ?? 1000, cursor: b.expansion.cursor });
  // Unsubscribed members are not the audience; the worker checks again with fresh profiles.
  const audience = page.members.filter((m) => m.subscribed);
  const chunks = chunksOf(b.id, audience);
  await ports.queue.send(chunks);
  const at = new Date(ports.clock.now()).toISOString();
  const record: BroadcastRecord = {
    ...b,
    state: page.cursor ? 'expanding' : 'expanded',
    dueAt: page.cursor ? b.dueAt : undefined,
    expansion: {
      ...(page.cursor ? { cursor: page.cursor } : {}),
      queued: b.expansion.queued + audience.length,
      chunks: b.expansion.chunks + chunks.length,
      startedAt: b.expansion.startedAt ?? at,
      ...(page.cursor ? {} : { finishedAt: at }),
    },
    version: b.version + 1,
    updatedAt: at,
  };
  // A concurrent change (a cancel, another dispatcher) wins; this run stops with this broadcast.
  if ((await ports.broadcasts.save(record, b.version)) === 'conflict') return undefined;
  return { record, queuedNow: audience.length };
}
