import type { TagChange } from './tags';

export type TagResult = { status: 'ok'; tags: string[] } | { status: 'too-many'; tags: string[]; wouldHave: number } | { status: 'no-member' };

/** The port through which tags are changed: the profile's `tags` and the tag index items move together. */
export interface TagStore {
  change(openid: string, change: TagChange, nowMs: number): Promise<TagResult>;
}
