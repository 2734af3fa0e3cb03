import { z } from 'zod';
import { okResponse } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { SegmentPorts } from '../segments/select';
import type { Table } from '../store/dynamo';
import { searchMembers } from './searchMembers';

const searchSchema = z.object({
  q: z.string().trim().min(1, 'type an openid, a phone number, a unionid or a tag').max(128),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** `GET /admin/members/search?q=…` (a literal segment: the router never reads `search` as an openid). */
export function memberSearchRoutes(ports: { table: Table; segments: SegmentPorts }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/members/search',
      roles: ['operator', 'agent', 'marketer'],
      run: (req) =>
        withBody(searchSchema, req.query, async ({ q, limit }) => okResponse({ q, hits: await searchMembers(ports.table, ports.segments, q, limit) })),
    },
  ];
}
