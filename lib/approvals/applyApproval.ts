import type { BroadcastRecord } from '../broadcast/broadcast';
import type { BroadcastStore } from '../broadcast/broadcastStore';
import type { Clock } from '../clock/clock';
import type { CampaignRecord } from '../redpacket/campaignRecord';
import type { CampaignStore } from '../redpacket/campaignStore';
import type { ConfigDocument } from '../store/configDocument';
import type { Approval } from './approval';
import type { ApprovalEffects } from './decideApproval';

export interface EffectPorts {
  broadcasts: Pick<BroadcastStore, 'get' | 'save'>;
  campaigns: Pick<CampaignStore, 'get' | 'save'>;
  /** Called after a campaign changed, so this container's grab path sees it at once. */
  campaignsChanged?: () => void;
  payoutSettings: Pick<ConfigDocument<unknown>, 'put'>;
  clock: Clock;
}

/** Saves `change(record)` with the version read; other writers (workers, editors) win races, so it reads again. */
async function retrying<T extends { version: number }>(
  get: () => Promise<T | undefined>,
  save: (t: T, v: number) => Promise<'saved' | 'conflict'>,
  change: (t: T) => T | undefined,
) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await get();
    const next = current && change(current);
    if (!current || !next) return;
    if ((await save({ ...next, version: current.version + 1 }, current.version)) === 'saved') return;
  }
  throw new Error('the target kept changing');
}

/** The broadcast follows: approved → due at its time (now if that passed); rejected → cancelled, never sent. */
function onBroadcast(ports: EffectPorts, a: Approval) {
  const at = new Date(ports.clock.now()).toISOString();
  return retrying(
    () => ports.broadcasts.get(a.target),
    (b, v) => ports.broadcasts.save(b, v),
    (b): BroadcastRecord | undefined => {
      if (b.approval?.id !== a.id) return undefined; // not (or no longer) what this approval is about
      const approval = { ...b.approval, state: a.state };
      if (a.state === 'rejected' || b.state === 'cancelled') {
        const { dueAt: _due, ...rest } = b;
        return { ...rest, approval, state: 'cancelled', cancelledAt: b.cancelledAt ?? at, updatedAt: at };
      }
      // Due at its time, or now when that passed while it waited.
      return { ...b, approval, dueAt: new Date(Math.max(Date.parse(b.sendAt), ports.clock.now())).toISOString(), updatedAt: at };
    },
  );
}

/** The campaign follows: approved → it runs, up to the budget approved; rejected → it stays held. */
async function onCampaign(ports: EffectPorts, a: Approval) {
  const at = new Date(ports.clock.now()).toISOString();
  await retrying(
    () => ports.campaigns.get(a.target),
    (c, v) => ports.campaigns.save(c, v),
    (c): CampaignRecord | undefined => {
      if (c.approval?.id !== a.id) return undefined;
      const approval = a.state === 'approved' ? { id: a.id, state: a.state, budgetFen: c.approval.budgetFen } : { ...c.approval, state: a.state };
      return { ...c, approval, updatedAt: at };
    },
  );
  ports.campaignsChanged?.();
}

export function approvalEffects(ports: EffectPorts): ApprovalEffects {
  return {
    broadcast: (a) => onBroadcast(ports, a),
    'campaign-budget': (a) => onCampaign(ports, a),
    'payout-settings': async (a) => {
      if (a.state === 'approved') await ports.payoutSettings.put(a.proposed, ports.clock.now());
    },
  };
}
