import { conflict, notFound, ok, type Result } from '../result';
import { CHANGED_MEANWHILE, campaignView, triggerClash, type CampaignAdminPorts, type CampaignView } from './campaignAdminPorts';
import { applyLifecycle, statusOf, type CampaignRecord, type LifecycleAction } from './campaignRecord';
import { roundAt } from './roundSchedule';
import { withApproval } from './saveCampaign';
import type { Principal } from '../identity/roles';

/**
 * Schedule, pause, resume or close a campaign. Going live checks the trigger against the other live
 * campaigns; closing also closes the round open now (what is left of it goes back).
 */
export async function changeCampaignState(
  ports: Pick<CampaignAdminPorts, 'campaigns' | 'clock' | 'changed' | 'closeRound' | 'review'>,
  id: string,
  action: LifecycleAction,
  requester?: Principal,
): Promise<Result<CampaignView>> {
  const now = () => ports.clock.now();
  const c = await ports.campaigns.get(id);
  if (!c) return notFound(`campaign ${id} not found`);
  const next = applyLifecycle(c, action);
  if ('error' in next) return conflict(next.error, { status: statusOf(c, now()) });
  const updated: CampaignRecord = {
    ...c,
    state: next.state,
    version: c.version + 1,
    updatedAt: new Date(now()).toISOString(),
    ...(next.state === 'closed' ? { closedAt: new Date(now()).toISOString() } : {}),
  };
  if (next.state === 'active') {
    const clash = triggerClash(updated, await ports.campaigns.list(), now());
    if (clash) return conflict(clash);
    // Going live with a budget above the threshold: it waits for a second person.
    if (action === 'schedule' && ports.review && requester) withApproval(updated, await ports.review(updated, requester));
  }
  if ((await ports.campaigns.save(updated, c.version)) === 'conflict') return conflict(CHANGED_MEANWHILE);
  ports.changed?.();
  if (next.state === 'closed') await ports.closeRound(c.id, roundAt(c.config.schedule, now()).day);
  return ok(campaignView(updated, now()));
}
