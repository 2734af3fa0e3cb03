import { z } from 'zod';
import { createdResponse, okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { campaignSchema } from './campaign';
import type { CampaignAdminPorts } from './campaignAdminPorts';
import { changeCampaignState } from './changeCampaignState';
import { getCampaign, listCampaigns, previewSplit, reportOnCampaign } from './readCampaigns';
import { createCampaign, saveCampaign } from './saveCampaign';

export type { CampaignAdminPorts } from './campaignAdminPorts';

/** POST and PUT /admin/campaigns (exported for the console's types). */
export const saveSchema = campaignSchema.and(z.object({ version: z.number().int().min(1).optional() }));
export const splitPreviewSchema = z.object({ round: campaignSchema.shape.round, samples: z.number().int().min(1).max(20).default(3) });

export function campaignRoutes(ports: CampaignAdminPorts): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/schemas/campaign',
      roles: ['marketer', 'operator', 'agent', 'viewer'],
      run: async () => okResponse(z.toJSONSchema(campaignSchema, { io: 'input', unrepresentable: 'any' })),
    },
    {
      method: 'GET',
      path: '/admin/campaigns',
      roles: ['marketer', 'operator', 'viewer'],
      run: async () => okResponse({ campaigns: await listCampaigns(ports) }),
    },
    {
      method: 'POST',
      path: '/admin/campaigns/preview-split',
      audit: { changes: false },
      roles: ['marketer'],
      run: (req) => withBody(splitPreviewSchema, req.body, async ({ round, samples }) => respond(previewSplit(round, samples))),
    },
    {
      method: 'POST',
      path: '/admin/campaigns',
      roles: ['marketer'],
      run: (req) => withBody(saveSchema, req.body, async ({ version: _v, ...input }) => respond(await createCampaign(ports, input), createdResponse)),
    },
    {
      method: 'GET',
      path: '/admin/campaigns/{id}',
      roles: ['marketer', 'operator', 'viewer'],
      run: async (req) => respond(await getCampaign(ports, req.params.id!)),
    },
    {
      method: 'PUT',
      path: '/admin/campaigns/{id}',
      roles: ['marketer'],
      run: (req) =>
        withBody(saveSchema, req.body, async ({ version, ...input }) => respond(await saveCampaign(ports, req.params.id!, input, version, req.principal))),
    },
    ...(['schedule', 'pause', 'resume', 'close'] as const).map(
      (action): Route => ({
        method: 'POST',
        path: `/admin/campaigns/{id}/${action}`,
        audit: { reads: '/admin/campaigns/{id}' },
        roles: ['marketer'],
        run: async (req) => respond(await changeCampaignState(ports, req.params.id!, action, req.principal)),
      }),
    ),
    {
      method: 'GET',
      path: '/admin/campaigns/{id}/report',
      roles: ['marketer', 'operator', 'viewer'],
      run: async (req) => respond(await reportOnCampaign(ports, req.params.id!)),
    },
  ];
}
