import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from '../approvals/approval';
import type { ApprovalRoutePorts } from '../approvals/adminRoutes';
import { approvalEffects } from '../approvals/applyApproval';
import { dynamoApprovalStore } from '../approvals/dynamoApprovalStore';
import { reviewBroadcast, reviewCampaignBudget, reviewPayoutSettings, type RequestPorts } from '../approvals/requestApproval';
import { dynamoBroadcastStore } from '../broadcast/broadcastStore';
import type { Principal } from '../identity/roles';
import { effectiveBudget } from '../redpacket/budget';
import type { CampaignRecord } from '../redpacket/campaignRecord';
import { dynamoCampaignStore } from '../redpacket/campaignStore';
import { dynamoSegmentIndex } from '../segments/dynamoSegmentIndex';
import type { Segment } from '../segments/segment';
import { countSubscribedUpTo } from '../segments/select';
import { configDocument } from '../store/configDocument';
import type { WalletPolicy } from '../wallet/wallet';
import type { App } from './createApp';
import { campaignCache, walletPolicyDocument } from './redpacket';

export function approvalPolicyDocument(app: App) {
  return configDocument<ApprovalPolicy>(app.table, 'APPROVAL_POLICY', DEFAULT_APPROVAL_POLICY);
}

const requestPorts = (app: App): RequestPorts => ({ approvals: dynamoApprovalStore(app.table), policy: approvalPolicyDocument(app), clock: app.clock });

/** Whether a new broadcast waits: its subscribed audience counted up to the threshold. */
export const broadcastReview = (app: App) => (broadcastId: string, segment: Segment, requester: Principal) =>
  reviewBroadcast(
    { ...requestPorts(app), countUpTo: (max) => countSubscribedUpTo({ clock: app.clock, index: dynamoSegmentIndex(app.table) }, segment, max) },
    broadcastId,
    requester,
  );

/** Whether a campaign going or staying live waits: its total budget in force (given, or derived from its rounds). */
export const campaignReview = (app: App) => (c: CampaignRecord, requester: Principal) =>
  reviewCampaignBudget(requestPorts(app), { id: c.id, name: c.config.name, totalFen: effectiveBudget(c.config).maxFenTotal, mark: c.approval }, requester);

export const payoutSettingsReview = (app: App) => (proposed: WalletPolicy, requester: Principal) =>
  reviewPayoutSettings(requestPorts(app), proposed, requester);

export function approvalRoutePorts(app: App): ApprovalRoutePorts {
  return {
    approvals: dynamoApprovalStore(app.table),
    policy: approvalPolicyDocument(app),
    clock: app.clock,
    effects: approvalEffects({
      broadcasts: dynamoBroadcastStore(app.table),
      campaigns: dynamoCampaignStore(app.table),
      campaignsChanged: () => campaignCache(app).invalidate(),
      payoutSettings: walletPolicyDocument(app),
      clock: app.clock,
    }),
  };
}
