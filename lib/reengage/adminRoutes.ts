import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
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
    { method: 'GET', path: '/admin/reengagement-rules', run: async () => json(200, { rules: await ports.rules.get() }) },
    {
      method: 'PUT',
      path: '/admin/reengagement-rules',
      run: (req) =>
        withBody(rulesSchema, req.body, async ({ rules }) => {
          await ports.rules.put(rules, ports.clock.now());
          ports.changed?.();
          return json(200, { rules });
        }),
    },
    {
      method: 'GET',
      path: '/admin/reengagement-rules/{id}/report',
      run: async (req) => {
        const rule = (await ports.rules.get()).find((r) => r.id === req.params.id);
        const c = await ports.touches.counters(req.params.id!);
        if (!rule && Object.keys(c).length === 0) return notFound(`re-engagement rule ${req.params.id}`);
        const sent = c.sent ?? 0;
        const reengaged = c.reengaged ?? 0;
        return json(200, {
          rule: req.params.id,
          attributionDays: rule?.attributionDays ?? null,
          sent,
          failed: c.failed ?? 0,
          skipped: c.skipped ?? 0,
          reengaged,
          /** Re-engaged members per sent notice. */
          rate: sent === 0 ? 0 : Math.round((reengaged / sent) * 1000) / 1000,
        });
      },
    },
  ];
}
