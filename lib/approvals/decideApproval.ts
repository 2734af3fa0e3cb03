import type { Clock } from '../clock/clock';
import { mayCall, type Principal } from '../identity/roles';
import { describeError, log } from '../observability/log';
import { conflict, forbidden, notFound, ok, unavailable, type Result } from '../result';
import { personOf, samePerson, type Approval, type ApprovalKind } from './approval';
import type { ApprovalStore } from './approvalStore';

/** What an approval does to its target once decided (run after the decision landed). */
export type ApprovalEffects = Record<ApprovalKind, (approval: Approval) => Promise<void>>;

export interface DecidePorts {
  approvals: ApprovalStore;
  effects: ApprovalEffects;
  clock: Clock;
}

/**
 * A second person approves or rejects. The requester never decides their own (403 saying so), an
 * approver needs one of the kind's roles (403 naming them), a decided approval is not decided again
 * (409), and of two decisions at once exactly one lands (a conditional write). The target follows.
 */
export async function decideApproval(
  ports: DecidePorts,
  id: string,
  decider: Principal,
  decision: 'approved' | 'rejected',
  reason?: string,
): Promise<Result<{ approval: Approval }>> {
  const found = await ports.approvals.get(id);
  if (!found) return notFound(`approval ${id} not found`);
  if (samePerson(found.requestedBy, decider))
    return forbidden(`you requested approval ${id}: another person must decide it (four eyes)`, { requestedBy: found.requestedBy.username });
  if (!mayCall(decider, found.approverRoles))
    return forbidden(`approval ${id} (${found.kind}) needs the role ${found.approverRoles.join(' or ')}`, {
      rolesNeeded: found.approverRoles,
      yourRoles: decider.roles,
    });
  if (found.state !== 'pending') return conflict(`approval ${id} is ${found.state} already`, { state: found.state });
  const decided = await ports.approvals.decide(id, {
    state: decision,
    decidedBy: personOf(decider),
    decidedAt: new Date(ports.clock.now()).toISOString(),
    ...(reason ? { reason } : {}),
  });
  if (decided.status === 'already')
    return conflict(`approval ${id} was decided meanwhile (${decided.approval?.state ?? 'gone'})`, { state: decided.approval?.state });
  try {
    await ports.effects[found.kind](decided.approval);
  } catch (err) {
    // The decision stands; the target did not follow. The line carries what an operator needs to redo it.
    log.error('alarm: approval-effect-failed', {
      alarm: 'approval-effect-failed',
      approval: decided.approval.id,
      kind: found.kind,
      target: found.target,
      ...describeError(err),
    });
    return unavailable(`approval ${id} is ${decision}, but its ${found.kind} ${found.target} could not be updated; see the alarm approval-effect-failed`, {
      approval: decided.approval,
    });
  }
  return ok({ approval: decided.approval });
}
