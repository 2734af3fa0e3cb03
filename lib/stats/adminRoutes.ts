import { z } from 'zod';
import { okResponse } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { daysBetween, type StatsStore } from './dailyStats';
import { dailyStatsBetween } from './dailyStatsBetween';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The query of GET /admin/stats/daily (the console builds it from this type). */
export const rangeSchema = z
  .object({ from: z.string().regex(DAY, 'YYYY-MM-DD'), to: z.string().regex(DAY, 'YYYY-MM-DD') })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] })
  .refine((r) => daysBetween(r.from, r.to).length <= 366, { message: 'at most 366 days at once', path: ['to'] });

export function statsRoutes(ports: { stats: StatsStore }): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/stats/daily',
      roles: ['marketer', 'operator', 'agent', 'viewer'],
      run: (req) => withBody(rangeSchema, req.query, async ({ from, to }) => okResponse(await dailyStatsBetween(ports, from, to))),
    },
  ];
}
