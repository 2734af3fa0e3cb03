import type { SandboxOptions } from './config';
import { deliverPush } from './push-delivery';
import { buildJobEventXml } from './push-xml';
import type { PushMode } from './reply-decoder';
import type { SandboxState } from './state';

/**
 * The events WeChat pushes after it ran a send job: TEMPLATESENDJOBFINISH after each template
 * message, MASSSENDJOBFINISH after each mass send. They are signed (and encrypted in the account's
 * push mode) like follower pushes, queued by the API call and posted afterwards, in order, a few at
 * a time, never inside the call's answer. `GET /sandbox/job-events` shows each and how it went.
 */
export type JobEventKind = 'TEMPLATESENDJOBFINISH' | 'MASSSENDJOBFINISH';

/** WeChat's counts: FilterCount is how many were left to send after filtering (= SentCount + ErrorCount). */
export interface MassCounts {
  totalCount: number;
  filterCount: number;
  sentCount: number;
  errorCount: number;
}

export interface JobEvent {
  seq: number;
  kind: JobEventKind;
  msgid: number;
  /** FromUserName: the template's follower, or the first recipient of a mass send. */
  openid: string;
  /** `success` / `failed:user block` (template), `send success` (mass). */
  status: string;
  counts?: MassCounts;
  /** Sandbox ms when the job finished. */
  at: number;
  mode: PushMode;
  xml: string;
  delivery: 'pending' | 'sending' | 'delivered' | 'failed';
  /** The callback's answer: HTTP status (0 = none) and why WeChat would count it as failed. */
  attempt?: { at: number; status: number; error?: string };
}

export interface JobEventDeps {
  state: SandboxState;
  options: SandboxOptions;
  aesKey: Buffer;
  /** Read at each job: `POST /sandbox/limits {"jobEvents": false}` turns them off. */
  enabled: () => boolean;
}

const CONCURRENCY = 4;
const MAX_KEPT = 10_000;

export class JobEvents {
  events: JobEvent[] = [];
  private queue: JobEvent[] = [];
  private inFlight = 0;
  private seq = 0;
  /** Bumped by clear(): deliveries started before it no longer write into the new list. */
  private generation = 0;

  constructor(private readonly deps: JobEventDeps) {}

  templateFinished(msgid: number, openid: string, status: 'success' | 'failed:user block'): void {
    this.enqueue('TEMPLATESENDJOBFINISH', msgid, openid, status);
  }

  massFinished(msgid: number, openid: string, counts: MassCounts): void {
    this.enqueue('MASSSENDJOBFINISH', msgid, openid, 'send success', counts);
  }

  clear(): void {
    this.generation++;
    this.events = [];
    this.queue = [];
    this.inFlight = 0;
  }

  list(filter: { after?: number; kind?: string; msgid?: number }): JobEvent[] {
    return this.events.filter(
      (e) => e.seq > (filter.after ?? 0) && (!filter.kind || e.kind === filter.kind) && (filter.msgid === undefined || e.msgid === filter.msgid),
    );
  }

  private enqueue(kind: JobEventKind, msgid: number, openid: string, status: string, counts?: MassCounts): void {
    if (!this.deps.enabled()) return;
    const { state, options } = this.deps;
    const at = state.now();
    const fields: Array<[string, string | number]> = [
      ['MsgID', msgid],
      ['Status', status],
    ];
    if (counts)
      fields.push(['TotalCount', counts.totalCount], ['FilterCount', counts.filterCount], ['SentCount', counts.sentCount], ['ErrorCount', counts.errorCount]);
    const xml = buildJobEventXml({ toUser: options.originalId, openid, createTime: Math.floor(at / 1000) }, kind, fields);
    const event: JobEvent = {
      seq: ++this.seq,
      kind,
      msgid,
      openid,
      status,
      ...(counts ? { counts } : {}),
      at,
      mode: options.pushMode,
      xml,
      delivery: 'pending',
    };
    this.events.push(event);
    if (this.events.length > MAX_KEPT) this.events.splice(0, this.events.length - MAX_KEPT);
    this.queue.push(event);
    // After the API call has answered: WeChat runs the job, then tells the callback.
    setImmediate(() => this.pump());
  }

  private pump(): void {
    while (this.inFlight < CONCURRENCY && this.queue.length > 0) void this.deliver(this.queue.shift()!);
  }

  private async deliver(event: JobEvent): Promise<void> {
    const generation = this.generation;
    const { state, options, aesKey } = this.deps;
    this.inFlight++;
    event.delivery = 'sending';
    let outcome: { status: number; error?: string };
    try {
      outcome = await deliverPush({ options, aesKey, now: () => state.now(), openid: event.openid, plainXml: event.xml, mode: event.mode, pushKind: 'event' });
    } catch (err) {
      outcome = { status: 0, error: `sandbox error: ${(err as Error).message}` };
    }
    if (generation !== this.generation) return;
    this.inFlight--;
    event.attempt = { at: state.now(), status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
    event.delivery = outcome.error ? 'failed' : 'delivered';
    this.pump();
  }
}
