import type { Deadline } from '../deadline/deadline';
import type { Member } from '../members/member';
import type { Reply } from '../wechat/reply';
import type { InboundMessage } from '../wechat/message';

export interface ActionContext {
  member: Member;
  message: InboundMessage;
  nowMs: number;
  /** Stable per push: use it as the idempotency key of any effect the action has. */
  dedupKey: string;
  /** When the push must be answered: an action that waits or retries stops in time (see lib/deadline). */
  deadline: Deadline;
}

/** A menu key or keyword action (SIGN_IN, MY_ACCOUNT, …). Later capabilities register theirs. */
export type Action = (ctx: ActionContext) => Promise<Reply>;

/** An action a campaign configured (its keyword or menu key): the history names the campaign. */
export interface Triggered {
  action: Action;
  campaignId: string;
}

export type ActionRegistry = ReadonlyMap<string, Action>;

export const UNKNOWN_ACTION_REPLY: Reply = { type: 'text', content: '这个功能还在准备中，敬请期待。' };
