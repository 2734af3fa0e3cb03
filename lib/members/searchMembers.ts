import type { Member } from './member';
import { normalisePhone } from '../import/phone';
import {
  decodeMember,
  isMemberPk,
  lookupKey,
  lookupTarget,
  memberKey,
  openidOfMemberPk,
  phoneLookup,
  profileKey,
  PROSPECT_PREFIX,
  unionidLookup,
  withoutKeys,
} from '../table';
import { selectMembers, type SegmentPorts } from '../segments/select';
import { batchGet } from '../store/batchGet';
import type { Table } from '../store/dynamo';

export interface SearchHit {
  /** How the query matched. */
  by: 'openid' | 'phone' | 'unionid' | 'tag';
  /** A follower (`MEMBER#…`) or a prospect imported from another channel (`PROSPECT#…`). */
  kind: 'member' | 'prospect';
  id: string;
  /** A follower's profile, or what an import knows of a prospect. */
  member: Member | Record<string, unknown>;
}

/**
 * What an operator types into the console's search box: an openid, a phone number (any common
 * format), a unionid, or a tag. Each is one key lookup (or one tag page), never a scan.
 */
export async function searchMembers(table: Table, segments: SegmentPorts, q: string, limit = 20): Promise<SearchHit[]> {
  const query = q.trim();
  if (!query) return [];
  const phone = normalisePhone(query);
  const lookups = [...(phone ? [{ by: 'phone' as const, pk: phoneLookup(phone) }] : []), { by: 'unionid' as const, pk: unionidLookup(query) }];
  const direct = memberKey(query);
  const found = await batchGet(table, [direct, ...lookups.map((l) => lookupKey(l.pk))]);
  const at = (k: { pk: string; sk: string }) => found.get(`${k.pk}|${k.sk}`);
  const hits: SearchHit[] = [];
  const profile = at(direct);
  if (profile) hits.push({ by: 'openid', kind: 'member', id: query, member: decodeMember(profile) });
  const targets = lookups.flatMap((l) => {
    const targetPk = lookupTarget(at(lookupKey(l.pk)));
    return targetPk ? [{ by: l.by, targetPk }] : [];
  });
  if (targets.length) {
    const profiles = await batchGet(
      table,
      targets.map((t) => profileKey(t.targetPk)),
    );
    const pkOf = (h: SearchHit) => (h.kind === 'member' ? memberKey(h.id).pk : `${PROSPECT_PREFIX}${h.id}`);
    for (const t of targets) {
      const k = profileKey(t.targetPk);
      const item = profiles.get(`${k.pk}|${k.sk}`);
      if (!item || hits.some((h) => pkOf(h) === t.targetPk)) continue;
      hits.push(
        isMemberPk(t.targetPk)
          ? { by: t.by, kind: 'member', id: openidOfMemberPk(t.targetPk), member: decodeMember(item) }
          : { by: t.by, kind: 'prospect', id: t.targetPk.slice(t.targetPk.indexOf('#') + 1), member: withoutKeys(item) },
      );
    }
  }
  if (/^[^\s#]{1,30}$/.test(query)) {
    const page = await selectMembers(segments, { tag: query }, { limit });
    for (const m of page.members)
      if (!hits.some((h) => h.kind === 'member' && h.id === m.openid)) hits.push({ by: 'tag', kind: 'member', id: m.openid, member: m });
  }
  return hits.slice(0, limit);
}
