import type { StoredMedia } from './media';
/**
 * Everything the sandbox remembers, in memory: followers, what each one sent and received, the
 * published menu, and a log of every API call. One instance per sandbox; `reset()` empties it.
 */

export interface Follower {
  openid: string;
  subscribed: boolean;
  /** Seconds, as user/info reports it; 0 while never subscribed. */
  subscribeTime: number;
  subscribeScene: string;
  qrScene: number;
  qrSceneStr: string;
  language: string;
  remark: string;
  tagIds: number[];
  unionid?: string;
  /** Sandbox ms of the last interaction that opens the customer-service window (message, click, subscribe, scan). */
  lastInteractionAt?: number;
  /** Customer-service messages left after the last message and the last click, follow or scan (sandbox/reply-allowance.ts). */
  allowances?: { afterMessage?: { left: number; until: number }; afterEvent?: { left: number; until: number } };
  /** The follower turned off the account's notices: template messages are not shown (TEMPLATESENDJOBFINISH says `failed:user block`). */
  blocksTemplates?: boolean;
  createdAt: number;
}

export interface Article {
  title: string;
  description?: string;
  picUrl?: string;
  url?: string;
}

/** The visible part of a message, whichever way it travelled. */
export interface MessageFields {
  msgType: string;
  content?: string;
  articles?: Article[];
  mediaId?: string;
  title?: string;
  description?: string;
  musicUrl?: string;
  hqMusicUrl?: string;
  thumbMediaId?: string;
  kfAccount?: string;
}

/** One line of a follower's chat: `out` = the follower sent it, `in` = the follower received it. */
export interface InboxEntry extends MessageFields {
  seq: number;
  /** Sandbox ms. */
  at: number;
  direction: 'in' | 'out';
  /**
   * How it travelled: `push` for what the follower sent; passive/custom/template/mass for what they
   * received; `system` for WeChat's own notice when the account's server failed to answer;
   * `redpacket` for money from WeChat Pay (a red packet or a transfer, and what became of it).
   */
  channel: 'push' | 'passive' | 'custom' | 'template' | 'mass' | 'system' | 'redpacket';
  event?: string;
  eventKey?: string;
  templateId?: string;
  data?: Record<string, { value: string; color?: string }>;
  url?: string;
  msgid?: number;
  /** For `out` entries: what happened to the push (HTTP status, or why it failed). */
  delivery?: { status: number; error?: string };
  /** For `redpacket` entries: the amount and which bill it is (see sandbox/pay-*.ts). */
  amountFen?: number;
  payment?: { kind: 'transfer' | 'redpack'; billNo: string; state: string };
}

export type NewInboxEntry = Omit<InboxEntry, 'seq' | 'at'>;
type StoredEntry = InboxEntry & { openid: string };

export interface ApiCall {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  errcode: number;
  /** A fault injected by `POST /sandbox/faults` (sandbox/api-faults.ts) that this call met. */
  fault?: string;
}

export interface MenuButton {
  type?: string;
  name: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
  sub_button: MenuButton[];
}

const MAX_CALLS = 10_000;

export class SandboxState {
  followers = new Map<string, Follower>();
  /** Every follower's chat lines, in order; `seq` is global so `?after=` works per follower. */
  inbox: StoredEntry[] = [];
  menu: MenuButton[] | null = null;
  calls: ApiCall[] = [];
  /** `touser|client_msg_id` → msgid and when it was sent (WeChat dedups for 10 minutes). */
  templateSends = new Map<string, { msgid: number; at: number }>();
  /** mass/send `clientmsgid` → the job's msg_id and when it was sent (WeChat refuses a reuse within 24 h). */
  massSends = new Map<string, { msgId: number; at: number }>();
  /** Temporary media by media_id (sandbox/media.ts). */
  media = new Map<string, StoredMedia>();
  private seq = 0;
  private nextMsgId = 2_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  /** Added to the injected clock by `POST /sandbox/clock`. */
  offsetMs = 0;
  /** State kept outside this class (WeChat Pay's bills) that `reset()` must empty too. */
  private readonly resetHooks: Array<() => void> = [];

  constructor(private readonly clock: () => number) {}

  now(): number {
    return this.clock() + this.offsetMs;
  }

  reset(): void {
    this.followers.clear();
    this.inbox = [];
    this.menu = null;
    this.calls = [];
    this.templateSends.clear();
    this.massSends.clear();
    this.media.clear();
    this.offsetMs = 0;
    for (const hook of this.resetHooks) hook();
  }

  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** The follower, created on first contact. A follower first seen sending a message is already subscribed. */
  follower(openid: string, subscribedIfNew: boolean): Follower {
    let f = this.followers.get(openid);
    if (!f) {
      const now = this.now();
      f = {
        openid,
        subscribed: subscribedIfNew,
        subscribeTime: subscribedIfNew ? Math.floor(now / 1000) : 0,
        subscribeScene: subscribedIfNew ? 'ADD_SCENE_SEARCH' : '',
        qrScene: 0,
        qrSceneStr: '',
        language: 'zh_CN',
        remark: '',
        tagIds: [],
        createdAt: now,
      };
      this.followers.set(openid, f);
    }
    return f;
  }

  append(openid: string, entry: NewInboxEntry): InboxEntry {
    const full: StoredEntry = { ...entry, seq: ++this.seq, at: this.now(), openid };
    this.inbox.push(full);
    return full;
  }

  inboxOf(openid: string, afterSeq = 0): InboxEntry[] {
    return this.inbox.filter((e) => e.openid === openid && e.seq > afterSeq).map(({ openid: _owner, ...entry }) => entry);
  }

  newMsgId(): number {
    return this.nextMsgId++;
  }

  record(call: Omit<ApiCall, 'seq' | 'at'>): void {
    this.calls.push({ ...call, seq: ++this.seq, at: this.now() });
    // A sandbox left running for days should not grow without bound: keep the latest calls.
    if (this.calls.length > MAX_CALLS) this.calls.splice(0, this.calls.length - MAX_CALLS);
  }
}
