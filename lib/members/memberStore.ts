import type { Interaction, Member } from './member';

export type MemberAttributes = { [K in 'region' | 'birthdayMonth' | 'purchaseCategories' | 'nickname']?: Member[K] | null };

/** The port through which use cases read and write member profiles. */
export interface MemberStore {
  /** Upserts the member from one push and returns the profile after the write. */
  recordInteraction(openid: string, interaction: Interaction): Promise<Member>;
  get(openid: string): Promise<Member | undefined>;
  /** Sets persona attributes (null removes one); undefined when there is no such member. */
  setAttributes(openid: string, attributes: MemberAttributes, nowMs: number): Promise<Member | undefined>;
}
