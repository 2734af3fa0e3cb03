import { notFound, ok, type Result } from '../result';
import { serviceWindowEndsAt, type Member } from './member';
import type { MemberAttributes, MemberStore } from './memberStore';

/** A member as operators see them, with when the 48-hour service window closes (null: closed). */
export async function memberProfile(ports: { members: MemberStore }, openid: string): Promise<Result<Member & { serviceWindowEndsAt: string | null }>> {
  const member = await ports.members.get(openid);
  if (!member) return notFound(`member ${openid} not found`);
  const windowEnds = serviceWindowEndsAt(member);
  return ok({ ...member, serviceWindowEndsAt: windowEnds ? new Date(windowEnds).toISOString() : null });
}

/** Persona attributes (null removes one): they feed segments such as { "region": "上海" }. */
export async function setMemberAttributes(
  ports: { members: MemberStore; clock: { now(): number } },
  openid: string,
  attributes: MemberAttributes,
): Promise<Result<Member>> {
  const member = await ports.members.setAttributes(openid, attributes, ports.clock.now());
  return member ? ok(member) : notFound(`member ${openid} not found`);
}
