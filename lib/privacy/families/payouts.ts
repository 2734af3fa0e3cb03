import { payoutKey } from '../../payouts/payoutKeys';
import { erasePayout } from '../../payouts/payoutErasure';
import { batchGet } from '../../store/batchGet';
import { withoutKeys, type MemberContext, type OutsideFamily } from '../family';
import { takenShares } from './redPackets';

/** The member's payout orders: one per share taken in transfer/redpack mode, one per withdrawal from the wallet. */
async function refsOf(ctx: MemberContext): Promise<string[]> {
  const fromShares = (await takenShares(ctx)).map((s) => s.payoutRef);
  const fromWallet = ctx.items.filter((i) => i.sk.startsWith('WALLET#')).map((i) => i.ref);
  return [...new Set([...fromShares, ...fromWallet].filter((r): r is string => typeof r === 'string' && r !== ''))];
}

/** Payout orders (`PAYOUT#<ref>`) stay as accounting lines without the openid (lib/payouts/payoutErasure.ts). */
export const payouts: OutsideFamily = {
  name: 'payouts',
  action: 'accounting-line',
  foundBy: 'owner record',
  how: "the member's shares (payoutRef) and wallet entries (ref) name the orders",
  writtenBy: 'lib/redpacket/dynamoRoundStore.ts (payoutItems), lib/wallet/wallet.ts (withdraw)',
  holds: (key) => key.pk.startsWith('PAYOUT#') && key.sk === 'PAYOUT',
  async export(ctx) {
    return [...(await batchGet(ctx.table, (await refsOf(ctx)).map(payoutKey))).values()].map(withoutKeys);
  },
  async erase(ctx) {
    let changed = 0;
    for (const ref of await refsOf(ctx)) {
      const done = await erasePayout(ctx.table, ctx.pay, ref, ctx.openid, ctx.nowMs);
      if (done === 'cancelled' || done === 'anonymised') changed += 1;
    }
    return changed;
  },
};
