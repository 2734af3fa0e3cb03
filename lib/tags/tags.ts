/** WeChat allows 20 tags on one follower; we keep the same limit so tags can be mirrored there. */
export const MAX_TAGS_PER_MEMBER = 20;

/** Tags to add and remove on one member. */
export interface TagChange {
  add: string[];
  remove: string[];
}

export type TagPlan = { status: 'ok'; tags: string[]; added: string[]; removed: string[] } | { status: 'too-many'; tags: string[]; wouldHave: number };

/** The member's tags after a change: removals first, new tags appended in order, duplicates ignored. */
export function planTagChange(current: readonly string[], change: { add: readonly string[]; remove: readonly string[] }): TagPlan {
  const removed = current.filter((t) => change.remove.includes(t));
  const kept = current.filter((t) => !change.remove.includes(t));
  const added: string[] = [];
  for (const t of change.add) if (!kept.includes(t) && !added.includes(t)) added.push(t);
  const tags = [...kept, ...added];
  if (tags.length > MAX_TAGS_PER_MEMBER && added.length > 0) return { status: 'too-many', tags: [...current], wouldHave: tags.length };
  return { status: 'ok', tags, added, removed };
}
