import type { Principal, Role } from '../identity/roles';

/** What waits for a second person (issue 13, four eyes). */
export type ApprovalKind = 'broadcast' | 'campaign-budget' | 'payout-settings';
export type ApprovalState = 'pending' | 'approved' | 'rejected';

export interface Approval {
  id: string;
  kind: ApprovalKind;
  /** The thing it is about: a broadcast id, a campaign id, `wallet-policy`. */
  target: string;
  /** What the approver decides on, in words and figures. */
  summary: { text: string; members?: number; budgetFen?: number; thresholdMembers?: number; thresholdFen?: number };
  requestedBy: Pick<Principal, 'username' | 'sub' | 'roles' | 'via'>;
  requestedAt: string;
  /** The roles that may decide (admin always among them). */
  approverRoles: Role[];
  state: ApprovalState;
  decidedBy?: Pick<Principal, 'username' | 'sub' | 'roles' | 'via'>;
  decidedAt?: string;
  reason?: string;
  /** What takes effect on approval, when the change is held here rather than on its target (payout settings). */
  proposed?: unknown;
}

/** Who decides each kind besides admin: operators send broadcasts, marketers own budgets; payout settings are admins' alone. */
export const APPROVER_ROLES: Record<ApprovalKind, Role[]> = {
  broadcast: ['operator', 'admin'],
  'campaign-budget': ['marketer', 'admin'],
  'payout-settings': ['admin'],
};

/** The mark a broadcast or campaign carries while (and after) it needed an approval. */
export interface ApprovalMark {
  id: string;
  state: ApprovalState;
  /** For a campaign: the total budget the request was about, and the last one approved. */
  budgetFen?: number;
  approvedBudgetFen?: number;
}

/** Thresholds: null turns a check off. */
export interface ApprovalPolicy {
  /** A broadcast to more members than this waits for approval. */
  broadcastMembers: number | null;
  /** A campaign whose total budget is above this (fen) waits for approval. */
  campaignBudgetFen: number | null;
  /** Every change to the payout settings (PUT /admin/wallet-policy) waits for an admin. */
  payoutSettings: boolean;
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = { broadcastMembers: 10_000, campaignBudgetFen: 100_000, payoutSettings: true };

/** The same person, whichever name they came with. */
export const samePerson = (a: Pick<Principal, 'sub' | 'username'>, b: Pick<Principal, 'sub' | 'username'>) => a.sub === b.sub || a.username === b.username;

export const personOf = (p: Principal): Approval['requestedBy'] => ({ username: p.username, sub: p.sub, roles: p.roles, via: p.via });

/** Waiting (pending) or turned down: either way the target must not run. */
export const holdsBack = (mark: ApprovalMark | undefined) => mark !== undefined && mark.state !== 'approved';
