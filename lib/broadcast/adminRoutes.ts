import { z } from 'zod';
import { createdResponse, okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { BroadcastAdminPorts } from './broadcastAdmin';
import { broadcastSchema, previewSchema } from './broadcastSchema';
import { cancelBroadcast } from './cancelBroadcast';
import { getBroadcast, listBroadcasts, previewStoredBroadcast } from './readBroadcasts';
import { scheduleBroadcast } from './scheduleBroadcast';

export type { BroadcastAdminPorts } from './broadcastAdmin';

export const sendPolicySchema = z.object({
  /** Outbound WeChat message calls per second, shared by every send worker. */
  ratePerSecond: z.number().min(0.1).max(5000),
  /** Mass sends a follower may receive per calendar month (4 for a service account, WeChat's rule). */
  massMonthlyQuota: z.number().int().min(1).max(4),
});

export function broadcastRoutes(ports: BroadcastAdminPorts): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/schemas/broadcast',
      roles: ['marketer', 'operator', 'agent', 'viewer'],
      run: async () => okResponse(z.toJSONSchema(broadcastSchema, { io: 'input', unrepresentable: 'any' })),
    },
    { method: 'GET', path: '/admin/send-policy', roles: ['marketer', 'operator', 'viewer'], run: async () => okResponse(await ports.policy.get()) },
    {
      method: 'PUT',
      path: '/admin/send-policy',
      roles: ['operator'],
      run: (req) =>
        withBody(sendPolicySchema, req.body, async (policy) => {
          await ports.policy.put(policy, ports.clock.now());
          return okResponse(policy);
        }),
    },
    {
      method: 'GET',
      path: '/admin/broadcasts',
      roles: ['marketer', 'operator', 'viewer'],
      run: async (req) => okResponse({ broadcasts: await listBroadcasts(ports, Math.min(100, Math.max(1, Number(req.query.limit) || 20))) }),
    },
    {
      method: 'POST',
      path: '/admin/broadcasts',
      roles: ['operator'],
      run: (req) => withBody(broadcastSchema, req.body, async (config) => respond(await scheduleBroadcast(ports, config, req.principal), createdResponse)),
    },
    {
      method: 'GET',
      path: '/admin/broadcasts/{id}',
      roles: ['marketer', 'operator', 'viewer'],
      run: async (req) => respond(await getBroadcast(ports, req.params.id!)),
    },
    {
      method: 'POST',
      path: '/admin/broadcasts/{id}/cancel',
      roles: ['operator'],
      audit: { reads: '/admin/broadcasts/{id}' },
      run: async (req) => respond(await cancelBroadcast(ports, req.params.id!)),
    },
    {
      method: 'POST',
      path: '/admin/broadcasts/{id}/preview',
      roles: ['operator'],
      run: (req) => withBody(previewSchema, req.body, async ({ openids }) => respond(await previewStoredBroadcast(ports, req.params.id!, openids))),
    },
  ];
}
