import type { Clock } from '../clock/clock';
import { conflict, notFound, ok, type Result } from '../result';
import type { TagStore } from './tagStore';
import { MAX_TAGS_PER_MEMBER, type TagChange } from './tags';

/** Adds and removes a member's tags; refused when the member would end up with too many. */
export async function changeMemberTags(
  ports: { tags: TagStore; clock: Clock },
  openid: string,
  change: TagChange,
): Promise<Result<{ openid: string; tags: string[] }>> {
  const r = await ports.tags.change(openid, change, ports.clock.now());
  switch (r.status) {
    case 'ok':
      return ok({ openid, tags: r.tags });
    case 'too-many':
      return conflict(`a member has at most ${MAX_TAGS_PER_MEMBER} tags; this change would make ${r.wouldHave}`, { tags: r.tags });
    case 'no-member':
      return notFound(`member ${openid} not found`);
  }
}
