import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { withBody, type Route } from '../http/router';
import type { ConfigDocument } from '../store/configDocument';
import { BadCursorError } from '../store/memberItemsPage';
import type { LevelHistoryStore } from './levelHistory';
import type { Level } from './levels';
import { levelsSchema } from './levelsSchema';

/** The query of GET /admin/members/{openid}/levels (the console builds it from this type). */
export const levelHistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(2048).optional() });

export function levelRoutes(ports: { levels: ConfigDocument<Level[]>; history: LevelHistoryStore; clock: Clock }): Route[] {
  return [
    { method: 'GET', path: '/admin/levels', run: async () => json(200, { levels: await ports.levels.get() }) },
    {
      method: 'PUT',
      path: '/admin/levels',
      run: (req) =>
        withBody(levelsSchema, req.body, async ({ levels }) => {
          await ports.levels.put(levels, ports.clock.now());
          return json(200, { levels });
        }),
    },
    {
      // A member's level changes, newest first (an unknown member has none, as with coupons and the wallet).
      method: 'GET',
      path: '/admin/members/{openid}/levels',
      run: (req) =>
        withBody(levelHistoryQuerySchema, req.query, async ({ limit, cursor }) => {
          try {
            const page = await ports.history.list(req.params.openid!, { limit, cursor });
            return json(200, { changes: page.changes, cursor: page.cursor ?? null });
          } catch (err) {
            if (err instanceof BadCursorError) return json(400, { error: `cursor: ${err.message}`, issues: [{ path: 'cursor', message: err.message }] });
            throw err;
          }
        }),
    },
  ];
}
