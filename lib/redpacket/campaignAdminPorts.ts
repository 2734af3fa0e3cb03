import type { ApprovalMark } from '../approvals/approval';
import type { Clock } from '../clock/clock';
import type { Principal } from '../identity/roles';
import type { BudgetApprovalPorts } from './approveBudget';
import { isLive, statusOf, type CampaignRecord } from './campaignRecord';
import type { CampaignStore } from './campaignStore';
import type { ReportPorts } from './report';

/** What marketers' campaign use cases need. */
export interface CampaignAdminPorts extends ReportPorts, Omit<BudgetApprovalPorts, 'rounds'> {
  campaigns: CampaignStore;
  clock: Clock;
  /** Closes the round open now (a campaign closed mid-round returns what is left). */
  closeRound: (campaignId: string, day: string) => Promise<unknown>;
  /** Called after every change so this container's grab path sees it at once. */
  changed?: () => void;
  /** Whether the campaign, going or staying live, waits for its budget to be approved: the mark to save it with. */
  review?: (c: CampaignRecord, requester: Principal) => Promise<ApprovalMark | undefined>;
}

/** A campaign as marketers see it: the record and where it stands now. */
export const campaignView = (c: CampaignRecord, nowMs: number) => ({ ...c, status: statusOf(c, nowMs) });
export type CampaignView = ReturnType<typeof campaignView>;

/** Two live campaigns must not answer the same keyword or menu key on overlapping days. */
export function triggerClash(c: Pick<CampaignRecord, 'id' | 'config'>, others: CampaignRecord[], nowMs: number): string | undefined {
  const words = new Set((c.config.trigger.keywords ?? []).map((k) => k.toLowerCase()));
  for (const o of others) {
    if (o.id === c.id || !isLive(o, nowMs)) continue;
    const overlap = o.config.schedule.from <= c.config.schedule.to && c.config.schedule.from <= o.config.schedule.to;
    if (!overlap) continue;
    const word = (o.config.trigger.keywords ?? []).find((k) => words.has(k.toLowerCase()));
    if (word) return `keyword "${word}" is already the trigger of campaign ${o.id} (${o.config.name}) on overlapping days`;
    if (c.config.trigger.menuKey && o.config.trigger.menuKey === c.config.trigger.menuKey)
      return `menuKey ${c.config.trigger.menuKey} is already the trigger of campaign ${o.id} (${o.config.name}) on overlapping days`;
  }
  return undefined;
}

export const CHANGED_MEANWHILE = 'the campaign changed meanwhile; read it again';
