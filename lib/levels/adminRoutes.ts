import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { ConfigDocument } from '../store/configDocument';
import { levelChangesOf } from './levelChanges';
import type { LevelHistoryStore } from './levelHistory';
import type { Level } from './levels';
import { levelsSchema } from './levelsSchema';

/** The query of GET /admin/members/{openid}/levels (the console builds it from this type). */
export const levelHistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(2048).optional() });

export function levelRoutes(ports: { levels: ConfigDocument<Level[]>; history: LevelHistoryStore; clock: Clock }): Route[] {
  return [
    { method: 'GET', path: '/admin/levels', roles: ['marketer', 'operator', 'viewer'], run: async () => okResponse({ levels: await ports.levels.get() }) },
    {
      method: 'PUT',
      path: '/admin/levels',
      roles: ['marketer'],
      run: (req) =>
        withBody(levelsSchema, req.body, async ({ levels }) => {
          await ports.levels.put(levels, ports.clock.now());
          return okResponse({ levels });
        }),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/levels',
      roles: ['operator', 'agent', 'marketer'],
      run: (req) => withBody(levelHistoryQuerySchema, req.query, async (page) => respond(await levelChangesOf(ports, req.params.openid!, page))),
    },
  ];
}
