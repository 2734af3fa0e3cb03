import type { Clock } from '../clock/clock';
import { okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { reengagementReport } from './reengagementReport';
import type { ConfigDocument } from '../store/configDocument';
import { rulesSchema, type ReengagementRule } from './rule';
import type { TouchStore } from './touchStore';

export interface ReengageAdminPorts {
  rules: ConfigDocument<ReengagementRule[]>;
  touches: Pick<TouchStore, 'counters'>;
  clock: Clock;
  changed?: () => void;
}

export function reengageRoutes(ports: ReengageAdminPorts): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/reengagement-rules',
      roles: ['marketer', 'operator', 'viewer'],
      run: async () => okResponse({ rules: await ports.rules.get() }),
    },
    {
      method: 'PUT',
      path: '/admin/reengagement-rules',
      roles: ['marketer'],
      run: (req) =>
        withBody(rulesSchema, req.body, async ({ rules }) => {
          await ports.rules.put(rules, ports.clock.now());
          ports.changed?.();
          return okResponse({ rules });
        }),
    },
    {
      method: 'GET',
      path: '/admin/reengagement-rules/{id}/report',
      roles: ['marketer', 'operator', 'viewer'],
      run: async (req) => respond(await reengagementReport(ports, req.params.id!)),
    },
  ];
}
