import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock';
import type { Principal } from '../identity/roles';
import type { ConfigDocument } from '../store/configDocument';
import { APPROVER_ROLES, personOf, type Approval, type ApprovalKind, type ApprovalMark, type ApprovalPolicy } from './approval';
import type { ApprovalStore } from './approvalStore';

export interface RequestPorts {
  approvals: Pick<ApprovalStore, 'create'>;
  policy: Pick<ConfigDocument<ApprovalPolicy>, 'get'>;
  clock: Clock;
}

// Ids sort by time (the list is newest first), with randomness against collisions.
const newId = (nowMs: number) => `a${nowMs.toString(36)}${randomBytes(3).toString('hex')}`;

/** A new pending approval. */
export async function requestApproval(
  ports: Pick<RequestPorts, 'approvals' | 'clock'>,
  r: { kind: ApprovalKind; target: string; summary: Approval['summary']; requester: Principal; proposed?: unknown },
): Promise<Approval> {
  const now = ports.clock.now();
  const approval: Approval = {
    id: newId(now),
    kind: r.kind,
    target: r.target,
    summary: r.summary,
    requestedBy: personOf(r.requester),
    requestedAt: new Date(now).toISOString(),
    approverRoles: APPROVER_ROLES[r.kind],
    state: 'pending',
    ...(r.proposed === undefined ? {} : { proposed: r.proposed }),
  };
  await ports.approvals.create(approval);
  return approval;
}

/** A broadcast whose audience is above the threshold waits: the mark it is saved with, or undefined when it may go. */
export async function reviewBroadcast(
  ports: RequestPorts & { countUpTo: (max: number) => Promise<number> },
  broadcastId: string,
  requester: Principal,
): Promise<ApprovalMark | undefined> {
  const threshold = (await ports.policy.get()).broadcastMembers;
  if (threshold === null) return undefined;
  const members = await ports.countUpTo(threshold + 1);
  if (members <= threshold) return undefined;
  const a = await requestApproval(ports, {
    kind: 'broadcast',
    target: broadcastId,
    summary: { text: `broadcast ${broadcastId} to more than ${threshold} members`, members, thresholdMembers: threshold },
    requester,
  });
  return { id: a.id, state: 'pending' };
}

/**
 * A campaign going live (or changed while live) whose total budget is above the threshold waits,
 * unless an approval already covers that much. The mark to save it with (undefined: none needed).
 */
export async function reviewCampaignBudget(
  ports: RequestPorts,
  campaign: { id: string; name: string; totalFen: number; mark?: ApprovalMark },
  requester: Principal,
): Promise<ApprovalMark | undefined> {
  const threshold = (await ports.policy.get()).campaignBudgetFen;
  const { mark, totalFen } = campaign;
  if (threshold === null || totalFen <= threshold) return undefined;
  const approved = mark?.state === 'approved' ? mark.budgetFen : mark?.approvedBudgetFen;
  if (approved !== undefined && totalFen <= approved) return mark?.state === 'approved' ? mark : { id: mark!.id, state: 'approved', budgetFen: approved };
  if (mark?.state === 'pending' && mark.budgetFen === totalFen) return mark;
  const a = await requestApproval(ports, {
    kind: 'campaign-budget',
    target: campaign.id,
    summary: { text: `campaign ${campaign.name} (${campaign.id}) with a total budget of ${totalFen} fen`, budgetFen: totalFen, thresholdFen: threshold },
    requester,
  });
  return { id: a.id, state: 'pending', budgetFen: totalFen, ...(approved === undefined ? {} : { approvedBudgetFen: approved }) };
}

/** A payout-settings change waits for an admin when the policy says so: the approval holding it, or undefined to apply it now. */
export async function reviewPayoutSettings(ports: RequestPorts, proposed: unknown, requester: Principal): Promise<Approval | undefined> {
  if (!(await ports.policy.get()).payoutSettings) return undefined;
  return requestApproval(ports, {
    kind: 'payout-settings',
    target: 'wallet-policy',
    summary: { text: 'change the payout settings (wallet policy)' },
    requester,
    proposed,
  });
}
