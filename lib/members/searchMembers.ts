import { toMember } from './dynamoMemberStore';
import type { Member } from './member';
import { normalisePhone } from '../import/phone';
import { lookupKey, phoneLookup, unionidLookup } from '../import/lookups';
import { selectMembers, type SegmentPorts } from '../segments/select';
import { batchGet } from '../store/batchGet';
import type { Table } from '../store/dynamo';

export interface SearchHit {
  /** How the query matched. */
  by: 'openid' | 'phone' | 'unionid' | 'tag';
  /** A follower (`MEMBER#…`) or a prospect imported from another channel (`PROSPECT#…`). */
  kind: 'member' | 'prospect';
  id: string;
  member: Partial<Member> & Record<string, unknown>;
}

const strip = ({ pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest }: Record<string, unknown>) => rest;

/**
 * What an operator types into the console's search box: an openid, a phone number (any common
 * format), a unionid, or a tag. Each is one key lookup (or one tag page), never a scan.
 */
export async function searchMembers(table: Table, segments: SegmentPorts, q: string, limit = 20): Promise<SearchHit[]> {
  const query = q.trim();
  if (!query) return [];
  const phone = normalisePhone(query);
  const lookups = [...(phone ? [{ by: 'phone' as const, pk: phoneLookup(phone) }] : []), { by: 'unionid' as const, pk: unionidLookup(query) }];
  const found = await batchGet(table, [{ pk: `MEMBER#${query}`, sk: 'PROFILE' }, ...lookups.map((l) => lookupKey(l.pk))]);
  const hits: SearchHit[] = [];
  const direct = found.get(`MEMBER#${query}|PROFILE`);
  if (direct) hits.push({ by: 'openid', kind: 'member', id: query, member: toMember(direct) as SearchHit['member'] });
  const targets = lookups.flatMap((l) => {
    const item = found.get(`${l.pk}|LOOKUP`);
    return item?.targetPk ? [{ by: l.by, targetPk: String(item.targetPk) }] : [];
  });
  if (targets.length) {
    const profiles = await batchGet(table, targets.map((t) => ({ pk: t.targetPk, sk: 'PROFILE' })));
    for (const t of targets) {
      const item = profiles.get(`${t.targetPk}|PROFILE`);
      if (!item || hits.some((h) => `${h.kind === 'member' ? 'MEMBER' : 'PROSPECT'}#${h.id}` === t.targetPk)) continue;
      const [prefix, ...rest] = t.targetPk.split('#');
      hits.push({ by: t.by, kind: prefix === 'MEMBER' ? 'member' : 'prospect', id: rest.join('#'), member: prefix === 'MEMBER' ? (toMember(item) as SearchHit['member']) : strip(item) });
    }
  }
  if (/^[^\s#]{1,30}$/.test(query)) {
    const page = await selectMembers(segments, { tag: query }, { limit });
    for (const m of page.members) if (!hits.some((h) => h.kind === 'member' && h.id === m.openid)) hits.push({ by: 'tag', kind: 'member', id: m.openid, member: m as SearchHit['member'] });
  }
  return hits.slice(0, limit);
}
