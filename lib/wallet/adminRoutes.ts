import { z } from 'zod';
import type { Approval } from '../approvals/approval';
import { acceptedResponse, createdIfNew, okResponse, respond } from '../http/respond';
import type { Principal } from '../identity/roles';
import type { WalletPolicy } from './wallet';
import { withBody, type Route } from '../http/router';
import { TRANSFER_MIN_FEN, TRANSFER_WITHOUT_NAME_MAX_FEN } from '../pay/transferLimits';
import { NAME_LIMIT, withdrawFromWallet, type WithdrawPorts } from './withdrawFromWallet';

export const withdrawSchema = z.object({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'letters, digits and : _ . - (1–128)'),
  amountFen: z
    .number()
    .int()
    .min(TRANSFER_MIN_FEN, 'at least 10 fen (0.10 yuan), WeChat Pay’s minimum for a transfer')
    .max(TRANSFER_WITHOUT_NAME_MAX_FEN, NAME_LIMIT)
    .optional(),
});
const policySchema = z.object({
  withdrawMinFen: z.number().int().min(TRANSFER_MIN_FEN, 'transfer bills start at 10 fen').max(TRANSFER_WITHOUT_NAME_MAX_FEN, NAME_LIMIT),
});

/** The wallet's routes; a payout-settings change may wait for an admin's approval (lib/approvals): `review` holds it then. */
export function walletRoutes(ports: WithdrawPorts & { review?: (proposed: WalletPolicy, requester: Principal) => Promise<Approval | undefined> }): Route[] {
  return [
    { method: 'GET', path: '/admin/wallet-policy', roles: ['marketer'], run: async () => okResponse(await ports.policy.get()) },
    {
      method: 'PUT',
      path: '/admin/wallet-policy',
      roles: [],
      run: (req) =>
        withBody(policySchema, req.body, async (policy) => {
          const approval = await ports.review?.(policy, req.principal);
          // Held for approval: 202 with the approval; the settings change when another admin approves it.
          if (approval) return acceptedResponse({ approval });
          await ports.policy.put(policy, ports.clock.now());
          return okResponse(policy);
        }),
    },
    {
      method: 'GET',
      path: '/admin/members/{openid}/wallet',
      roles: ['operator', 'agent', 'marketer'],
      run: async (req) => okResponse(await ports.wallet.get(req.params.openid!)),
    },
    {
      method: 'POST',
      path: '/admin/members/{openid}/wallet/withdraw',
      audit: { reads: '/admin/members/{openid}/wallet' },
      roles: ['operator'],
      run: (req) =>
        withBody(withdrawSchema, req.body, async ({ idempotencyKey, amountFen }) =>
          respond(await withdrawFromWallet(ports, req.params.openid!, idempotencyKey, amountFen), createdIfNew),
        ),
    },
  ];
}
