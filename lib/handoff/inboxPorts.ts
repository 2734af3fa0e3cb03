import type { Clock } from '../clock/clock';
import type { HistoryStore } from '../history/historyStore';
import type { Principal } from '../identity/roles';
import type { HandoffSettings } from './handoff';
import type { InboxStore } from './inboxStore';

/** What the inbox's use cases work with. */
export interface InboxPorts {
  inbox: InboxStore;
  history: HistoryStore;
  settings: () => Promise<HandoffSettings>;
  clock: Clock;
}

/** The agent a conversation is assigned to, or a note or reply is by: the signed-in person. */
export const agentOf = (p: Pick<Principal, 'sub' | 'username'>) => ({ id: p.sub, name: p.username });

export const isoAt = (ms: number) => new Date(ms).toISOString();
