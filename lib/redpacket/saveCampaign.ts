import { randomBytes } from 'node:crypto';
import { conflict, invalid, notFound, ok, type Failed, type Result } from '../result';
import { approveBudget, type BudgetApprovalPorts } from './approveBudget';
import { CHANGED_MEANWHILE, campaignView, triggerClash, type CampaignAdminPorts, type CampaignView } from './campaignAdminPorts';
import type { CampaignConfig, CampaignRecord } from './campaignRecord';
import type { Principal } from '../identity/roles';
import { checkCompliance, type ComplianceFinding, type ComplianceReport } from './compliance';

/** What saving needs: the store, the clock, and what the budget check reads. */
export type SaveCampaignPorts = Pick<CampaignAdminPorts, 'campaigns' | 'clock' | 'changed' | 'review'> & BudgetApprovalPorts;

const newId = () => `c${randomBytes(6).readUIntBE(0, 6).toString(36).padStart(10, '0')}`;

/** WeChat's rules first: a refusal names the rule and the field. */
function refused({ refusals }: ComplianceReport): Failed | undefined {
  if (!refusals.length) return undefined;
  return invalid(refusals.map((r) => `${r.path}: ${r.rule} — ${r.message}`).join('; '), {
    issues: refusals.map((r) => ({ path: r.path, message: `${r.rule}: ${r.message}`, rule: r.rule })),
    refusals,
  });
}

/** Compliance, then the budget: the config as it will be stored (prize priced) and its warnings. */
async function approve(
  ports: SaveCampaignPorts,
  input: CampaignConfig,
  existing: CampaignRecord | undefined,
  nowMs: number,
): Promise<Result<{ config: CampaignConfig; warnings: ComplianceFinding[] }>> {
  const compliance = checkCompliance(input);
  const no = refused(compliance);
  if (no) return no;
  // A live campaign's rounds reserved part of the total already: the new budget must still afford the days left.
  const budget = await approveBudget(ports, input, existing, nowMs);
  // A budget that cannot be approved is refused naming the field, as a schema error would.
  if (!budget.ok) return invalid(budget.issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues: budget.issues });
  return ok({ config: budget.config, warnings: [...compliance.warnings, ...budget.warnings] });
}

/** Sets or clears the campaign's approval mark. */
export function withApproval(c: CampaignRecord, mark: CampaignRecord['approval']): void {
  if (mark) c.approval = mark;
  else delete c.approval;
}

/** A new campaign, as a draft. */
export async function createCampaign(ports: SaveCampaignPorts, input: CampaignConfig): Promise<Result<CampaignView>> {
  const approved = await approve(ports, input, undefined, ports.clock.now());
  if (!approved.ok) return approved;
  const at = new Date(ports.clock.now()).toISOString();
  const c: CampaignRecord = {
    id: newId(),
    state: 'draft',
    config: approved.value.config,
    version: 1,
    warnings: approved.value.warnings,
    createdAt: at,
    updatedAt: at,
  };
  if (!(await ports.campaigns.create(c))) return conflict('campaign id collision, try again');
  ports.changed?.();
  return ok(campaignView(c, ports.clock.now()));
}

/**
 * A changed campaign, unless it is closed, the editor read an older version, or (live) its trigger
 * clashes with another live campaign. Rounds already open keep the snapshot they opened with; the
 * change applies from the next round.
 */
export async function saveCampaign(
  ports: SaveCampaignPorts,
  id: string,
  input: CampaignConfig,
  readVersion: number | undefined,
  requester?: Principal,
): Promise<Result<CampaignView>> {
  const c = await ports.campaigns.get(id);
  if (!c) return notFound(`campaign ${id} not found`);
  if (c.state === 'closed') return conflict('the campaign is closed; closed campaigns cannot change');
  if (readVersion !== undefined && readVersion !== c.version) return conflict(`version ${readVersion} is stale; the campaign is at version ${c.version}`);
  const approved = await approve(ports, input, c, ports.clock.now());
  if (!approved.ok) return approved;
  const updated: CampaignRecord = {
    ...c,
    config: approved.value.config,
    version: c.version + 1,
    warnings: approved.value.warnings,
    updatedAt: new Date(ports.clock.now()).toISOString(),
  };
  if (c.state !== 'draft') {
    const clash = triggerClash(updated, await ports.campaigns.list(), ports.clock.now());
    if (clash) return conflict(clash);
    // A live campaign whose budget rises above what was approved asks again (and waits meanwhile).
    if (ports.review && requester) withApproval(updated, await ports.review(updated, requester));
  }
  if ((await ports.campaigns.save(updated, c.version)) === 'conflict') return conflict(CHANGED_MEANWHILE);
  ports.changed?.();
  return ok(campaignView(updated, ports.clock.now()));
}
