import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { withBody, type Route } from '../http/router';
import type { ConfigDocument } from '../store/configDocument';
import { TRANSFER_MIN_FEN, TRANSFER_WITHOUT_NAME_MAX_FEN } from '../pay/transferLimits';
import type { WalletPolicy, WalletStore } from './wallet';

const NAME_LIMIT = 'at most 199999 fen (1,999.99 yuan): WeChat Pay needs the payee’s real name from 2,000 yuan, which we do not hold; withdraw in parts';

export const withdrawSchema = z.object({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'letters, digits and : _ . - (1–128)'),
  amountFen: z.number().int().min(TRANSFER_MIN_FEN, 'at least 10 fen (0.10 yuan), WeChat Pay’s minimum for a transfer').max(TRANSFER_WITHOUT_NAME_MAX_FEN, NAME_LIMIT).optional(),
});
const policySchema = z.object({ withdrawMinFen: z.number().int().min(TRANSFER_MIN_FEN, 'transfer bills start at 10 fen').max(TRANSFER_WITHOUT_NAME_MAX_FEN, NAME_LIMIT) });

export function walletRoutes(ports: { wallet: WalletStore; policy: ConfigDocument<WalletPolicy>; clock: Clock; onPayoutOrdered?: (ref: string) => Promise<void> }): Route[] {
  return [
    { method: 'GET', path: '/admin/wallet-policy', run: async () => json(200, await ports.policy.get()) },
    {
      method: 'PUT',
      path: '/admin/wallet-policy',
      run: (req) =>
        withBody(policySchema, req.body, async (policy) => {
          await ports.policy.put(policy, ports.clock.now());
          return json(200, policy);
        }),
    },
    { method: 'GET', path: '/admin/members/{openid}/wallet', run: async (req) => json(200, await ports.wallet.get(req.params.openid!)) },
    {
      method: 'POST',
      path: '/admin/members/{openid}/wallet/withdraw',
      run: (req) =>
        withBody(withdrawSchema, req.body, async ({ idempotencyKey, amountFen }) => {
          const r = await ports.wallet.withdraw(req.params.openid!, await ports.policy.get(), idempotencyKey, ports.clock.now(), amountFen);
          switch (r.status) {
            case 'created':
              await ports.onPayoutOrdered?.(r.ref).catch(() => undefined);
              return json(201, r);
            case 'duplicate':
              return json(200, r);
            case 'below-threshold':
              return json(409, { error: `a withdrawal needs at least ${r.withdrawMinFen} fen; the balance is ${r.balanceFen} fen`, ...r });
            case 'insufficient':
              return json(409, { error: `the balance is ${r.balanceFen} fen`, ...r });
            case 'above-limit':
              return json(400, { error: `amountFen: ${NAME_LIMIT}`, issues: [{ path: 'amountFen', message: NAME_LIMIT }], ...r });
          }
        }),
    },
  ];
}
