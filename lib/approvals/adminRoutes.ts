import { z } from 'zod';
import { okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import type { ConfigDocument } from '../store/configDocument';
import type { ApprovalPolicy } from './approval';
import { decideApproval, type DecidePorts } from './decideApproval';

const listSchema = z.strictObject({
  state: z.enum(['pending', 'approved', 'rejected']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
const decisionSchema = z.union([z.strictObject({ reason: z.string().max(500).optional() }), z.literal('').transform(() => ({ reason: undefined }))]);
const threshold = z.number().int().min(0).nullable();
export const approvalPolicySchema = z.strictObject({ broadcastMembers: threshold, campaignBudgetFen: threshold, payoutSettings: z.boolean() });

export interface ApprovalRoutePorts extends DecidePorts {
  policy: ConfigDocument<ApprovalPolicy>;
}

/**
 * What waits for whom, and the decisions. Anyone who may decide some kind reaches the decision
 * routes; the use case checks the kind's roles and that the decider is not the requester.
 */
export function approvalRoutes(ports: ApprovalRoutePorts): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/approvals',
      roles: ['marketer', 'operator', 'viewer'],
      run: (req) => withBody(listSchema, req.query, async ({ state, limit }) => okResponse({ approvals: await ports.approvals.list(state, limit) })),
    },
    ...(['approve', 'reject'] as const).map(
      (action): Route => ({
        method: 'POST',
        path: `/admin/approvals/{id}/${action}`,
        roles: ['marketer', 'operator'],
        run: (req) =>
          withBody(decisionSchema, req.body, async ({ reason }) =>
            respond(await decideApproval(ports, req.params.id!, req.principal, action === 'approve' ? 'approved' : 'rejected', reason)),
          ),
      }),
    ),
    { method: 'GET', path: '/admin/approval-policy', roles: [], run: async () => okResponse(await ports.policy.get()) },
    {
      method: 'PUT',
      path: '/admin/approval-policy',
      roles: [],
      run: (req) =>
        withBody(approvalPolicySchema, req.body, async (policy) => {
          await ports.policy.put(policy, ports.clock.now());
          return okResponse(policy);
        }),
    },
  ];
}
