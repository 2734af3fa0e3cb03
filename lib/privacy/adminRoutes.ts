import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { notFound, type Route } from '../http/router';
import type { Table } from '../store/dynamo';
import { eraseMember } from './eraseMember';
import { bySection, memberItems } from './memberItems';

export function privacyRoutes(ports: { table: Table; clock: Clock }): Route[] {
  return [
    {
      // Everything we hold about one member, for a data-access request.
      method: 'GET',
      path: '/admin/members/{openid}/export',
      run: async (req) => {
        const items = await memberItems(ports.table, req.params.openid!);
        if (!items.some((i) => i.sk === 'PROFILE')) return notFound(`member ${req.params.openid}`);
        const sections = bySection(items);
        const { profile, idem: _idempotencyRecords, active: _activityMarkers, ...rest } = sections;
        return json(200, { exportedAt: new Date(ports.clock.now()).toISOString(), profile: profile?.[0], ...rest }, { 'content-disposition': `attachment; filename="member-${req.params.openid}.json"` });
      },
    },
    {
      method: 'DELETE',
      path: '/admin/members/{openid}',
      run: async (req) => {
        const r = await eraseMember(ports.table, req.params.openid!, ports.clock.now(), 'admin-api');
        return r.status === 'erased' ? json(200, r) : notFound(`member ${req.params.openid}`);
      },
    },
  ];
}
