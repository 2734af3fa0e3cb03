import type { Approval, ApprovalState } from './approval';

export interface Decision {
  state: Exclude<ApprovalState, 'pending'>;
  decidedBy: NonNullable<Approval['decidedBy']>;
  decidedAt: string;
  reason?: string;
}

export interface ApprovalStore {
  create(a: Approval): Promise<void>;
  get(id: string): Promise<Approval | undefined>;
  /** Newest first, at most `limit`. */
  list(state: ApprovalState | undefined, limit: number): Promise<Approval[]>;
  /** Decides a pending approval; `already` (with the stored one) when it was decided first, by anyone. */
  decide(id: string, d: Decision): Promise<{ status: 'decided'; approval: Approval } | { status: 'already'; approval?: Approval }>;
}
