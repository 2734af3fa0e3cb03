import type { Clock } from '../clock/clock';
import { okResponse, respond } from '../http/respond';
import type { Route } from '../http/router';
import type { Table } from '../store/dynamo';
import type { ErasurePorts } from './family';
import { eraseMemberOnRequest, exportMemberData } from './handleDataRequests';

export function privacyRoutes(ports: { table: Table; clock: Clock; pay: ErasurePorts['pay'] }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/members/{openid}/export',
      roles: [],
      run: async (req) =>
        respond(await exportMemberData(ports, req.params.openid!), (exported) =>
          okResponse(exported, { 'content-disposition': `attachment; filename="member-${req.params.openid}.json"` }),
        ),
    },
    {
      method: 'DELETE',
      path: '/admin/members/{openid}',
      roles: [],
      audit: { erasesMember: true },
      run: async (req) => respond(await eraseMemberOnRequest(ports, req.params.openid!)),
    },
  ];
}
