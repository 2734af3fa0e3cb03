import type { CouponTemplate } from '../coupons/coupon';
import type { Level } from '../levels/levels';
import { budgetIssues, maxMultiplier, worstCase, type BudgetIssue } from './budget';
import { daysStillAhead, type CampaignConfig, type CampaignRecord } from './campaignRecord';
import type { ComplianceFinding } from './compliance';
import type { RoundStore } from './roundStore';

export interface BudgetApprovalPorts {
  rounds: Pick<RoundStore, 'rounds' | 'reservedFen'>;
  couponTemplate: (id: string) => Promise<CouponTemplate | undefined>;
  levels: () => Promise<readonly Level[]>;
}

export const BUDGET_RULE = '预算上限 (budget cap)';

export type BudgetApproval = { ok: true; config: CampaignConfig; warnings: ComplianceFinding[] } | { ok: false; issues: BudgetIssue[] };

/**
 * Checks a campaign's budget before it is saved: the prize gets its value (the coupon template's
 * amount unless the marketer gave one), and the budget must afford every round's shares and prize
 * on the days that can still hold a round, on top of what the campaign's rounds reserved already.
 * A multiplier the budget leaves no room for is a warning (the bonus will not be paid).
 */
export async function approveBudget(
  ports: BudgetApprovalPorts,
  config: CampaignConfig,
  existing: CampaignRecord | undefined,
  nowMs: number,
): Promise<BudgetApproval> {
  const prize = await pricedPrize(ports, config.bestLuckPrize);
  if ('issue' in prize) return { ok: false, issues: [prize.issue] };
  const priced: CampaignConfig = { ...config, ...(prize.value ? { bestLuckPrize: prize.value } : {}) };

  const rounds = existing ? await ports.rounds.rounds(existing.id) : [];
  const opened = new Set(rounds.filter((r) => !r.unfunded).map((r) => r.snapshot.day));
  const held = { reservedFen: existing ? await ports.rounds.reservedFen(existing.id) : 0, daysToFund: daysStillAhead(priced.schedule, opened, nowMs).length };
  const issues = budgetIssues(priced, held);
  if (issues.length) return { ok: false, issues };

  const worst = worstCase(priced, await ports.levels());
  const warnings: ComplianceFinding[] = [];
  if (worst.maxBonusFen > 0 && worst.bonusRoomFen === 0) {
    const m = maxMultiplier(priced.levelMultipliers, await ports.levels());
    warnings.push({
      rule: BUDGET_RULE,
      path: 'budget.maxFenPerRound',
      message: `no room for level bonuses: members with a multiplier (up to ×${m}) get none; a cap of ${worst.sharesFen + worst.prizeFen + worst.maxBonusFen} fen a round pays them all`,
    });
  }
  return { ok: true, config: priced, warnings };
}

type Prize = CampaignConfig['bestLuckPrize'];

/** The prize with its value in fen, or why it has none. */
async function pricedPrize(ports: BudgetApprovalPorts, prize: Prize): Promise<{ value: Prize } | { issue: BudgetIssue }> {
  if (!prize || prize.valueFen !== undefined) return { value: prize };
  const template = await ports.couponTemplate(prize.couponTemplateId);
  if (template?.value.type === 'amount') return { value: { ...prize, valueFen: template.value.fen } };
  const what = !template
    ? `there is no coupon template ${prize.couponTemplateId}`
    : template.value.type === 'percent'
      ? `the coupon template ${prize.couponTemplateId} is ${template.value.percent}% off`
      : `the coupon template ${prize.couponTemplateId} is a free ${template.value.item}`;
  return {
    issue: {
      path: 'bestLuckPrize.valueFen',
      message: `${what}, with no money value: give the prize's value in fen (what it costs you), so the budget counts it`,
    },
  };
}
