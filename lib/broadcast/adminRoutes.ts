import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock/clock';
import type { ConfigDocument } from '../store/configDocument';
import { json } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import { broadcastWarnings, sendAtInstant, type BroadcastRecord } from './broadcast';
import { broadcastSchema, previewSchema } from './broadcastSchema';
import type { BroadcastStore } from './broadcastStore';
import type { DeliveryStore } from './deliveryStore';
import { previewBroadcast, type PreviewPorts } from './previewBroadcast';
import { progressOf, statusOf } from './progress';
import type { SendPolicy } from './sendChunk';

export interface BroadcastAdminPorts extends PreviewPorts {
  broadcasts: BroadcastStore;
  deliveries: Pick<DeliveryStore, 'counters'>;
  policy: ConfigDocument<SendPolicy>;
  clock: Clock;
  timeZone: string;
}

export const sendPolicySchema = z.object({
  /** Outbound WeChat message calls per second, shared by every send worker. */
  ratePerSecond: z.number().min(0.1).max(5000),
  /** Mass sends a follower may receive per calendar month (4 for a service account, WeChat's rule). */
  massMonthlyQuota: z.number().int().min(1).max(4),
});

// Ids sort by creation time (the list is newest first), with randomness against collisions.
const newId = (nowMs: number) => `b${nowMs.toString(36)}${randomBytes(3).toString('hex')}`;

export function broadcastRoutes(ports: BroadcastAdminPorts): Route[] {
  const now = () => ports.clock.now();
  const view = async (b: BroadcastRecord) => {
    const progress = progressOf(b, await ports.deliveries.counters(b.id));
    return { ...b, status: statusOf(b, progress, now()), progress };
  };

  return [
    { method: 'GET', path: '/admin/schemas/broadcast', run: async () => json(200, z.toJSONSchema(broadcastSchema, { io: 'input', unrepresentable: 'any' }) as object) },
    { method: 'GET', path: '/admin/send-policy', run: async () => json(200, await ports.policy.get()) },
    {
      method: 'PUT',
      path: '/admin/send-policy',
      run: (req) =>
        withBody(sendPolicySchema, req.body, async (policy) => {
          await ports.policy.put(policy, now());
          return json(200, policy);
        }),
    },
    {
      method: 'GET',
      path: '/admin/broadcasts',
      run: async (req) => {
        const limit = Math.min(100, Math.max(1, Number(req.query.limit) || 20));
        return json(200, { broadcasts: await Promise.all((await ports.broadcasts.list(limit)).map(view)) });
      },
    },
    {
      method: 'POST',
      path: '/admin/broadcasts',
      run: (req) =>
        withBody(broadcastSchema, req.body, async (config) => {
          const at = now();
          const sendAt = sendAtInstant(config.sendAt, ports.timeZone, at);
          if (!Number.isFinite(sendAt)) return json(400, { error: 'sendAt: not a valid date', issues: [{ path: 'sendAt', message: 'not a valid date' }] });
          if (sendAt < at - 60_000) return json(400, { error: `sendAt: ${config.sendAt} is in the past (account time zone ${ports.timeZone}); use "now" to send at once`, issues: [{ path: 'sendAt', message: 'in the past' }] });
          const iso = new Date(Math.max(sendAt, at)).toISOString();
          const b: BroadcastRecord = {
            id: newId(at),
            config,
            sendAt: iso,
            dueAt: iso,
            state: 'scheduled',
            expansion: { queued: 0, chunks: 0 },
            warnings: broadcastWarnings(config),
            version: 1,
            createdAt: new Date(at).toISOString(),
            updatedAt: new Date(at).toISOString(),
          };
          if (!(await ports.broadcasts.create(b))) return json(409, { error: 'broadcast id collision, try again' });
          return json(201, await view(b));
        }),
    },
    {
      method: 'GET',
      path: '/admin/broadcasts/{id}',
      run: async (req) => {
        const b = await ports.broadcasts.get(req.params.id!);
        return b ? json(200, await view(b)) : notFound(`broadcast ${req.params.id}`);
      },
    },
    {
      method: 'POST',
      path: '/admin/broadcasts/{id}/cancel',
      run: async (req) => {
        for (let attempt = 0; attempt < 5; attempt++) {
          const b = await ports.broadcasts.get(req.params.id!);
          if (!b) return notFound(`broadcast ${req.params.id}`);
          if (b.state === 'cancelled') return json(200, await view(b));
          const before = await view(b);
          if (before.status === 'done') return json(409, { error: 'the broadcast has gone out to everyone; nothing is left to cancel', status: 'done' });
          const { dueAt: _due, ...rest } = b;
          const at = new Date(now()).toISOString();
          const cancelled: BroadcastRecord = { ...rest, state: 'cancelled', cancelledAt: at, updatedAt: at, version: b.version + 1 };
          if ((await ports.broadcasts.save(cancelled, b.version)) === 'saved') return json(200, await view(cancelled));
        }
        return json(409, { error: 'the broadcast kept changing; try again' });
      },
    },
    {
      method: 'POST',
      path: '/admin/broadcasts/{id}/preview',
      run: (req) =>
        withBody(previewSchema, req.body, async ({ openids }) => {
          const b = await ports.broadcasts.get(req.params.id!);
          if (!b) return notFound(`broadcast ${req.params.id}`);
          return json(200, { results: await previewBroadcast(ports, b, openids) });
        }),
    },
  ];
}
