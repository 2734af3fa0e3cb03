import { json } from '../http/response';
import { notFound, type Route } from '../http/router';
import { serviceWindowEndsAt } from './member';
import type { MemberStore } from './memberStore';

export function memberRoutes(ports: { members: MemberStore }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/members/{openid}',
      run: async (req) => {
        const member = await ports.members.get(req.params.openid!);
        if (!member) return notFound(`member ${req.params.openid}`);
        const windowEnds = serviceWindowEndsAt(member);
        return json(200, { ...member, serviceWindowEndsAt: windowEnds ? new Date(windowEnds).toISOString() : null });
      },
    },
  ];
}
