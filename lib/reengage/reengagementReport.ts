import { notFound, ok, type Result } from '../result';
import type { ConfigDocument } from '../store/configDocument';
import type { ReengagementRule } from './rule';
import type { TouchStore } from './touchStore';

export interface ReengagementReport {
  rule: string;
  attributionDays: number | null;
  sent: number;
  failed: number;
  skipped: number;
  reengaged: number;
  /** Re-engaged members per sent notice. */
  rate: number;
}

/** How a re-engagement rule did: notices sent, failed, skipped, members who came back. */
export async function reengagementReport(
  ports: { rules: ConfigDocument<ReengagementRule[]>; touches: Pick<TouchStore, 'counters'> },
  ruleId: string,
): Promise<Result<ReengagementReport>> {
  const rule = (await ports.rules.get()).find((r) => r.id === ruleId);
  const c = await ports.touches.counters(ruleId);
  // A rule removed since still has its numbers.
  if (!rule && Object.keys(c).length === 0) return notFound(`re-engagement rule ${ruleId} not found`);
  const sent = c.sent ?? 0;
  const reengaged = c.reengaged ?? 0;
  return ok({
    rule: ruleId,
    attributionDays: rule?.attributionDays ?? null,
    sent,
    failed: c.failed ?? 0,
    skipped: c.skipped ?? 0,
    reengaged,
    rate: sent === 0 ? 0 : Math.round((reengaged / sent) * 1000) / 1000,
  });
}
