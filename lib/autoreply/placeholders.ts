import type { Member } from '../members/member';
import { ownValue } from '../records/own';

/** `{name}` → `values.name`; names with no value (and never `{constructor}` or `{toString}`) stay as typed. */
export function fillNamed(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => ownValue(values, name) ?? whole);
}

/** `{nickname}`, `{points}`, `{level}`, `{openid}` filled from the member; unknown names stay as typed. */
export function fillPlaceholders(text: string, member: Pick<Member, 'nickname' | 'points' | 'level' | 'openid'>): string {
  return fillNamed(text, {
    nickname: member.nickname || '朋友',
    points: String(member.points ?? 0),
    level: member.level ?? '',
    openid: member.openid,
  });
}
