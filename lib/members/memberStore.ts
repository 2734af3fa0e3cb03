import type { Interaction, Member } from './member';

/** The port through which use cases read and write member profiles. */
export interface MemberStore {
  /** Upserts the member from one push and returns the profile after the write. */
  recordInteraction(openid: string, interaction: Interaction): Promise<Member>;
  get(openid: string): Promise<Member | undefined>;
}
