/**
 * A conversation a person handles (转人工). Its state lives on the member's profile (`handoff`), so
 * the callback learns it from the profile write it already makes, and the profile carries the
 * inbox index (gsi2: `INBOX#<state>` / `<since>#<openid>`) while it has one.
 */
export type ConversationState = 'waiting' | 'open' | 'closed';

export type HandoffVia = 'keyword' | 'menu' | 'rule' | 'agent';

export interface Handoff {
  state: ConversationState;
  via: HandoffVia;
  /** When the follower asked for a person (or an agent started the conversation). ISO. */
  requestedAt: string;
  /** The agent handling it: the principal's `sub` and sign-in name. */
  assignee?: { id: string; name: string };
  claimedAt?: string;
  /** The team's last action (request, claim, reply, note): the idle timeout counts from here. ISO. */
  lastTeamAt: string;
  /** The last message a person sent, for the inbox. */
  lastReply?: { at: string; preview: string };
  closedAt?: string;
  /** The closing person's name, or `idle` when the idle timeout closed it. */
  closedBy?: string;
}

/** What the follower last sent (written with every interaction, in the profile write the callback already makes). */
export interface LastInbound {
  at: string;
  preview: string;
}

export interface HandoffSettings {
  /** Texts that ask for a person (whole message, trimmed). */
  keywords: string[];
  /** The acknowledgement inside and outside service hours. */
  ackInHours: string;
  ackOutOfHours: string;
  /** Service hours in the account's time zone: weekdays 1 (Mon)–7 (Sun), `HH:MM` from–to. */
  serviceHours: { days: number[]; from: string; to: string };
  /** With no action of the team for this long, the bot answers again (WeChat's own system uses 30). */
  idleMinutes: number;
  /** `inbox`: our console's inbox; `wechat`: hand the session to WeChat's customer-service system (transfer_customer_service). */
  mode: 'inbox' | 'wechat';
  /** How long conversation history is kept (TTL). */
  retentionDays: number;
}

export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = {
  keywords: ['人工', '客服', '转人工', '人工客服'],
  ackInHours: '已为您转接人工客服，请稍候，客服马上回复您。',
  ackOutOfHours: '您好，现在是非服务时间（服务时间 周一至周五 09:00–18:00）。您的留言已收到，客服上班后会第一时间回复您。',
  serviceHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' },
  idleMinutes: 30,
  mode: 'inbox',
  retentionDays: 180,
};

export const INBOX_PREFIX = 'INBOX#';
/** The inbox index keys a profile carries while it has a conversation (gsi2; tags use other partitions of it). */
export const inboxIndexKeys = (openid: string, h: Pick<Handoff, 'state' | 'requestedAt' | 'closedAt'>) => ({
  gsi2pk: `${INBOX_PREFIX}${h.state}`,
  gsi2sk: `${h.state === 'closed' ? (h.closedAt ?? h.requestedAt) : h.requestedAt}#${openid}`,
});

/** True while the bot's keyword replies stay quiet: waiting or open, and the team acted within the idle timeout. */
export function isHandledByPerson(handoff: Handoff | undefined, nowMs: number, idleMinutes: number): boolean {
  if (!handoff || handoff.state === 'closed') return false;
  return nowMs - Date.parse(handoff.lastTeamAt) < idleMinutes * 60_000;
}
