import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { withBody, type Route } from '../http/router';
import type { ConfigDocument } from '../store/configDocument';
import type { Level } from './levels';
import { levelsSchema } from './levelsSchema';

export function levelRoutes(ports: { levels: ConfigDocument<Level[]>; clock: Clock }): Route[] {
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
  ];
}
