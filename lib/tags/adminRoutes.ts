import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import type { TagStore } from './tagStore';
import { MAX_TAGS_PER_MEMBER } from './tags';
import { tagChangeSchema } from './tagSchemas';

export function tagRoutes(ports: { tags: TagStore; clock: Clock }): Route[] {
  return [
    {
      method: 'PUT',
      path: '/admin/members/{openid}/tags',
      run: (req) =>
        withBody(tagChangeSchema, req.body, async (change) => {
          const r = await ports.tags.change(req.params.openid!, change, ports.clock.now());
          switch (r.status) {
            case 'ok':
              return json(200, { openid: req.params.openid, tags: r.tags });
            case 'too-many':
              return json(409, { error: `a member has at most ${MAX_TAGS_PER_MEMBER} tags; this change would make ${r.wouldHave}`, tags: r.tags });
            case 'no-member':
              return notFound(`member ${req.params.openid}`);
          }
        }),
    },
  ];
}
