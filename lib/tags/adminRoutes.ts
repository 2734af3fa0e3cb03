import type { Clock } from '../clock/clock';
import { respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { changeMemberTags } from './changeMemberTags';
import type { TagStore } from './tagStore';
import { tagChangeSchema } from './tagSchemas';

export function tagRoutes(ports: { tags: TagStore; clock: Clock }): Route[] {
  return [
    {
      method: 'PUT',
      path: '/admin/members/{openid}/tags',
      audit: { reads: '/admin/members/{openid}' },
      roles: ['operator', 'marketer', 'agent'],
      run: (req) => withBody(tagChangeSchema, req.body, async (change) => respond(await changeMemberTags(ports, req.params.openid!, change))),
    },
  ];
}
