import { invalidField, notFound, ok, type Result } from '../result';
import { campaignView, type CampaignAdminPorts, type CampaignView } from './campaignAdminPorts';
import { campaignReport, type CampaignReport } from './report';
import { splitRound, type RoundSplit } from './splitRound';

/** Every campaign, newest first. */
export async function listCampaigns(ports: Pick<CampaignAdminPorts, 'campaigns' | 'clock'>): Promise<CampaignView[]> {
  const now = ports.clock.now();
  return (await ports.campaigns.list()).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((c) => campaignView(c, now));
}

export async function getCampaign(ports: Pick<CampaignAdminPorts, 'campaigns' | 'clock'>, id: string): Promise<Result<CampaignView>> {
  const c = await ports.campaigns.get(id);
  return c ? ok(campaignView(c, ports.clock.now())) : notFound(`campaign ${id} not found`);
}

export async function reportOnCampaign(ports: CampaignAdminPorts, id: string): Promise<Result<CampaignReport>> {
  const c = await ports.campaigns.get(id);
  return c ? ok(await campaignReport(ports, c, ports.clock.now())) : notFound(`campaign ${id} not found`);
}

/** How a round would split, `samples` times: what marketers try before they save. */
export function previewSplit(round: RoundSplit, samples: number): Result<{ samples: number[][] }> {
  const out = Array.from({ length: samples }, () => splitRound(round));
  const first = out[0]!;
  if (!first.ok) return invalidField(`round.${first.field}`, first.error);
  return ok({ samples: out.map((s) => (s.ok ? s.shares : [])) });
}
