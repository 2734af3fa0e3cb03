import { z } from 'zod';
import { createdIfNew, okResponse, respond } from '../http/respond';
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

export function walletRoutes(ports: WithdrawPorts): Route[] {
  return [
    { method: 'GET', path: '/admin/wallet-policy', roles: ['marketer'], run: async () => okResponse(await ports.policy.get()) },
    {
      method: 'PUT',
      path: '/admin/wallet-policy',
      roles: [],
      run: (req) =>
        withBody(policySchema, req.body, async (policy) => {
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
