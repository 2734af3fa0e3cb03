import { payoutPorts } from '../../lib/app/payouts';
import { containerApp } from '../../lib/app/containerApp';
import { dynamoPayoutStore, type Payout } from '../../lib/payouts/payoutStore';
import { reconcilePayouts, type PayoutPorts } from '../../lib/payouts/processPayout';
import type { Table } from '../../lib/store/dynamo';
import { scheduleCampaign } from './campaigns';
import type { AdminCall } from './handlers';

/** A follower's payout orders, whatever their state (open ones, failed and cancelled ones). */
export async function ordersOf(table: Table, openid: string): Promise<Payout[]> {
  const store = dynamoPayoutStore(table);
  const pages = await Promise.all([undefined, 'failed', 'cancelled'].map((state) => store.listByState(state as 'failed' | undefined, { limit: 100 })));
  return pages.flatMap((p) => p.payouts).filter((p) => p.openid === openid);
}

/** The real payout ports of the stack (paced client, DynamoDB Local, the sandbox), on a clock `offsetMs` ahead. */
export async function portsAt(offsetMs = 0, over: Partial<PayoutPorts> = {}): Promise<PayoutPorts> {
  const ports = (await payoutPorts(await containerApp()))!;
  return { ...ports, clock: { now: () => Date.now() + offsetMs }, ...over };
}

/** The reconciliation as its schedule runs it, `offsetMs` from now. */
export async function reconcileAt(offsetMs: number, over: Partial<PayoutPorts> = {}) {
  return reconcilePayouts(await portsAt(offsetMs, over));
}

export const HOUR = 3_600_000;

/** A live campaign of `packets` equal packets of `fen`, paid in `mode`, answering `keyword`; no bonus, no prize. Its id. */
export function payoutCampaign(
  admin: (method: string, path: string, body?: unknown) => Promise<AdminCall>,
  keyword: string,
  mode: 'transfer' | 'redpack' | 'wallet',
  fen: number,
  packets = 1,
) {
  return scheduleCampaign(admin, {
    trigger: { keywords: [keyword] },
    round: { packets, totalFen: packets * fen, split: 'equal', minFen: fen, maxFen: fen },
    payout: { mode },
    bestLuckPrize: undefined,
    levelMultipliers: {},
  });
}
