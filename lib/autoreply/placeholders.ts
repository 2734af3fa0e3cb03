import type { Member } from '../members/member';

/** `{nickname}`, `{points}`, `{level}`, `{openid}` filled from the member; unknown names stay as typed. */
export function fillPlaceholders(text: string, member: Pick<Member, 'nickname' | 'points' | 'level' | 'openid'>): string {
  const values: Record<string, string> = {
    nickname: member.nickname || '朋友',
    points: String(member.points ?? 0),
    level: member.level ?? '',
    openid: member.openid,
  };
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
