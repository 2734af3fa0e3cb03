import type { Handoff, LastInbound } from '../handoff/handoff';
/** A member: a follower of the account, or a prospect imported from another channel. */
export interface Member {
  openid: string;
  subscribed: boolean;
  subscribedAt?: string;
  unsubscribedAt?: string;
  firstSeenAt: string;
  lastInteractionAt: string;
  /** Last message the follower sent (opens the 48-hour customer-service window). */
  lastMessageAt?: string;
  /** Last click, subscribe or scan (opens a short window). */
  lastEventAt?: string;
  /** The first parametric QR scene the follower came from (`qrscene_<scene>` without the prefix). */
  source?: string;
  sourceTicket?: string;
  lastScene?: string;
  nickname?: string;
  /** Persona attributes, kept by operators or imports: where they live, birthday month, what they buy. */
  region?: string;
  birthdayMonth?: number;
  purchaseCategories?: string[];
  points: number;
  level: string;
  tags: string[];
  /** WeChat answered 40003 (invalid openid) to a send: nothing more is sent to it. */
  openidFlagged?: boolean;
  /** The last re-engagement notice, until its attribution window closes (see lib/reengage). */
  lastTouch?: { rule: string; at: string; until: string };
  /** A conversation a person handles or handled (lib/handoff); absent until the first handoff. */
  handoff?: Handoff;
  /** What the follower last sent (the inbox's last message). */
  lastInbound?: LastInbound;
  /** The follower's first message not yet answered by a person (meaningful while a person handles the conversation). */
  waitingSince?: string;
  /** When WeChat answered 40003 to a send (with openidFlagged). */
  openidFlaggedAt?: string;
  /** What the points ledger counts up (levels grow on it); absent until the first points change. */
  lifetimePoints?: number;
  /** Points per expiry day (lib/members/pointLots.ts). */
  pointLots?: Record<string, number>;
  levelChangedAt?: string;
  /** Daily sign-in: the last business day signed in and the streak up to it. */
  lastSignInDay?: string;
  signInStreak?: number;
  /** What other channels know the member by (imports, prospect linking); erasure finds lookups and prospects through them. */
  phone?: string;
  unionid?: string;
  name?: string;
  /** Spend per channel, in fen, as imports report it, and its sum (levels may grow on it). */
  spendByChannel?: Record<string, number>;
  spendFen?: number;
  /** The member's id per channel (an import's externalId). */
  externalIds?: Record<string, string>;
  mergedProspectAt?: string;
  /** The optimistic lock of every read-modify-write of the profile (points, tags, imports). */
  version?: number;
  updatedAt?: string;
}

export const MESSAGE_WINDOW_MS = 48 * 3600 * 1000;
export const EVENT_WINDOW_MS = 60 * 1000;

/**
 * WeChat lets us send free-form customer-service messages only for a while after the follower's last
 * interaction: 48 h after a message, about a minute after a click, subscribe or scan.
 */
export function serviceWindowEndsAt(m: Pick<Member, 'lastMessageAt' | 'lastEventAt'>): number {
  const msg = m.lastMessageAt ? Date.parse(m.lastMessageAt) + MESSAGE_WINDOW_MS : 0;
  const evt = m.lastEventAt ? Date.parse(m.lastEventAt) + EVENT_WINDOW_MS : 0;
  return Math.max(msg, evt);
}

export function isInsideServiceWindow(m: Pick<Member, 'lastMessageAt' | 'lastEventAt' | 'subscribed'>, nowMs: number): boolean {
  return m.subscribed && nowMs < serviceWindowEndsAt(m);
}

/** What one push tells us about the member. */
export type Interaction =
  /** `preview`: what the follower wrote, one line (the inbox's last message). */
  | { kind: 'message'; at: number; preview?: string }
  | { kind: 'event'; at: number; event: 'subscribe'; scene?: string; ticket?: string }
  | { kind: 'event'; at: number; event: 'unsubscribe' }
  | { kind: 'event'; at: number; event: 'scan'; scene: string }
  | { kind: 'event'; at: number; event: 'click' | 'other' };

/** `qrscene_summer` → `summer`; a subscribe from search or a share has no scene. */
export function sceneFromEventKey(eventKey: string): string | undefined {
  return eventKey.startsWith('qrscene_') && eventKey.length > 8 ? eventKey.slice(8) : undefined;
}
