import type { Member } from '../members/member';
import type { Handoff, LastInbound } from './handoff';

/** One page of closed conversations, newest first. */
export interface ClosedPage {
  members: Member[];
  /** Pass back for the next (older) page; absent on the last page. */
  cursor?: string;
}

/** What a write that depends on the conversation as it was read answers. */
export type HandoffWrite = 'done' | 'changed' | 'no-member';

/**
 * The inbox's port: the conversations are the members' profiles (`handoff`, `waitingSince`,
 * `lastInbound`), indexed by state on gsi2 while they have one (lib/handoff/handoff.ts).
 */
export interface InboxStore {
  member(openid: string): Promise<Member | undefined>;
  /** Every profile with a conversation in this state, up to `max` (the waiting and open lists are small). */
  inState(state: 'waiting' | 'open', max: number): Promise<Member[]>;
  closed(opts: { cursor?: string; limit: number }): Promise<ClosedPage>;
  /**
   * Sets the conversation to `next` (and its index keys) if it is still as `seen` (none: the member
   * has had no conversation yet): the compare-and-set behind claiming, closing and idle closing.
   * Closing also removes `waitingSince`.
   */
  replaceHandoff(openid: string, next: Handoff, seen: Handoff | undefined): Promise<HandoffWrite>;
  /** A person's reply went out: the conversation's last reply and team action; the follower waits no more. */
  recordTeamReply(openid: string, reply: LastInbound): Promise<void>;
  /** A team action that is not a message (a note): the idle timeout counts from `at`. */
  recordTeamAction(openid: string, at: string): Promise<void>;
}
