import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { notFound, type Route } from '../http/router';
import type { Table } from '../store/dynamo';
import type { ErasurePorts } from './family';
import { eraseMember } from './eraseMember';
import { exportMember } from './exportMember';

export function privacyRoutes(ports: { table: Table; clock: Clock; pay: ErasurePorts['pay'] }): Route[] {
  return [
    {
      // Everything we hold about one member, for a data-access request.
      method: 'GET',
      path: '/admin/members/{openid}/export',
      run: async (req) => {
        const exported = await exportMember(ports.table, req.params.openid!, ports.clock.now());
        if (!exported) return notFound(`member ${req.params.openid}`);
        return json(200, exported, { 'content-disposition': `attachment; filename="member-${req.params.openid}.json"` });
      },
    },
    {
      method: 'DELETE',
      path: '/admin/members/{openid}',
      run: async (req) => {
        const r = await eraseMember(ports, req.params.openid!, ports.clock.now(), 'admin-api');
        switch (r.status) {
          case 'erased':
            return json(200, r);
          case 'not-found':
            return notFound(`member ${req.params.openid}`);
          case 'incomplete':
            // Not erased yet: the same DELETE again resumes where this one stopped.
            return json(503, { ...r, error: `erasure incomplete: ${r.failed.map((f) => `${f.step} failed (${f.detail ?? f.error})`).join(', ')}; send the same DELETE again to finish it` }, { 'retry-after': '5' });
        }
      },
    },
  ];
}
