import type { Clock } from '../clock/clock';
import { conflict, invalidField, ok, type MaybeNew, type Result } from '../result';
import type { ConfigDocument } from '../store/configDocument';
import type { WalletPolicy, WalletStore, WithdrawResult } from './wallet';

export const NAME_LIMIT = 'at most 199999 fen (1,999.99 yuan): WeChat Pay needs the payee’s real name from 2,000 yuan, which we do not hold; withdraw in parts';

export interface WithdrawPorts {
  wallet: WalletStore;
  policy: ConfigDocument<WalletPolicy>;
  clock: Clock;
  /** Hands the new payout order to the payout worker; a lost hand-off is caught by the reconciliation. */
  onPayoutOrdered?: (ref: string) => Promise<void>;
}

type Withdrawn = Extract<WithdrawResult, { status: 'created' | 'duplicate' }>;

/**
 * A member's wallet balance (or part of it) out as a payout order, once per idempotency key; refused
 * below the policy's minimum, above the balance, or above what WeChat Pay pays without a real name.
 */
export async function withdrawFromWallet(
  ports: WithdrawPorts,
  openid: string,
  idempotencyKey: string,
  amountFen: number | undefined,
): Promise<Result<MaybeNew<Withdrawn>>> {
  const r = await ports.wallet.withdraw(openid, await ports.policy.get(), idempotencyKey, ports.clock.now(), amountFen);
  switch (r.status) {
    case 'created':
      await ports.onPayoutOrdered?.(r.ref).catch(() => undefined);
      return ok({ isNew: true, answer: r });
    case 'duplicate':
      return ok({ isNew: false, answer: r });
    case 'below-threshold':
      return conflict(`a withdrawal needs at least ${r.withdrawMinFen} fen; the balance is ${r.balanceFen} fen`, { ...r });
    case 'insufficient':
      return conflict(`the balance is ${r.balanceFen} fen`, { ...r });
    case 'above-limit':
      return invalidField('amountFen', NAME_LIMIT, { ...r });
  }
}
