import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import type { Principal } from '../identity/roles';
import { DEFAULT_APPROVAL_POLICY, type Approval, type ApprovalPolicy } from './approval';
import { reviewBroadcast, reviewCampaignBudget, reviewPayoutSettings } from './requestApproval';

const mia: Principal = { username: 'mia', sub: 'm', roles: ['marketer'], via: 'account' };

function ports(policy: Partial<ApprovalPolicy> = {}) {
  const created: Approval[] = [];
  return {
    created,
    approvals: { create: async (a: Approval) => void created.push(a) },
    policy: { get: async () => ({ ...DEFAULT_APPROVAL_POLICY, ...policy }) },
    clock: fixedClock(Date.parse('2026-12-03T08:00:00Z')),
  };
}

test('a broadcast waits only above the threshold, counting no further than it needs', async () => {
  const p = ports({ broadcastMembers: 100 });
  const asked: number[] = [];
  const count = (n: number) => async (max: number) => {
    asked.push(max);
    return Math.min(n, max);
  };
  assert.equal(await reviewBroadcast({ ...p, countUpTo: count(100) }, 'b1', mia), undefined);
  const mark = await reviewBroadcast({ ...p, countUpTo: count(5000) }, 'b2', mia);
  assert.deepEqual(asked, [101, 101]);
  assert.deepEqual(mark, { id: p.created[0]!.id, state: 'pending' });
  assert.deepEqual(
    [p.created[0]!.kind, p.created[0]!.target, p.created[0]!.summary.members, p.created[0]!.approverRoles],
    ['broadcast', 'b2', 101, ['operator', 'admin']],
  );
  assert.equal(await reviewBroadcast({ ...ports({ broadcastMembers: null }), countUpTo: count(10 ** 6) }, 'b3', mia), undefined, 'off');
});

test('a campaign budget: above the threshold asks once; within what was approved does not ask again; a raise asks again', async () => {
  const p = ports({ campaignBudgetFen: 1000 });
  const c = { id: 'c1', name: '红包' };
  assert.equal(await reviewCampaignBudget(p, { ...c, totalFen: 1000 }, mia), undefined, 'at the threshold');
  const pending = (await reviewCampaignBudget(p, { ...c, totalFen: 3000 }, mia))!;
  assert.deepEqual([pending.state, pending.budgetFen, p.created.length], ['pending', 3000, 1]);
  assert.equal(await reviewCampaignBudget(p, { ...c, totalFen: 3000, mark: pending }, mia), pending, 'the same request is not asked twice');
  const approved = { id: pending.id, state: 'approved' as const, budgetFen: 3000 };
  assert.equal(await reviewCampaignBudget(p, { ...c, totalFen: 2500, mark: approved }, mia), approved, 'within what was approved');
  const raised = (await reviewCampaignBudget(p, { ...c, totalFen: 5000, mark: approved }, mia))!;
  assert.deepEqual([raised.state, raised.budgetFen, raised.approvedBudgetFen, p.created.length], ['pending', 5000, 3000, 2]);
  const rejected = { ...raised, state: 'rejected' as const };
  assert.deepEqual(
    await reviewCampaignBudget(p, { ...c, totalFen: 3000, mark: rejected }, mia),
    { id: raised.id, state: 'approved', budgetFen: 3000 },
    'back within the approved total',
  );
  assert.equal(await reviewCampaignBudget(p, { ...c, totalFen: 500, mark: rejected }, mia), undefined, 'below the threshold: nothing to approve');
});

test('payout settings wait while the policy says so, holding what is proposed', async () => {
  const p = ports();
  const a = (await reviewPayoutSettings(p, { withdrawMinFen: 500 }, mia))!;
  assert.deepEqual([a.kind, a.proposed, a.approverRoles, a.requestedBy.username], ['payout-settings', { withdrawMinFen: 500 }, ['admin'], 'mia']);
  assert.equal(await reviewPayoutSettings(ports({ payoutSettings: false }), { withdrawMinFen: 500 }, mia), undefined);
});
