import { accountRoutes } from '../admin/accountRoutes';
import { approvalRoutes } from '../approvals/adminRoutes';
import { auditRoutes } from '../audit/adminRoutes';
import { dynamoAuditLog } from '../audit/dynamoAuditLog';
import { autoreplyRoutes } from '../autoreply/adminRoutes';
import { dynamoRuleStore } from '../autoreply/ruleStore';
import { broadcastRoutes } from '../broadcast/adminRoutes';
import { couponRoutes } from '../coupons/adminRoutes';
import { dynamoCouponPorts } from '../coupons/issueCoupon';
import { compileRoutes, type CompiledRoute, type Endpoint, type PublicRoute } from '../http/router';
import { meRoutes } from '../identity/meRoutes';
import { sessionRoutes } from '../identity/sessionRoutes';
import { importRoutes } from '../import/adminRoutes';
import { inboxRoutes } from '../handoff/adminRoutes';
import { levelRoutes } from '../levels/adminRoutes';
import { dynamoLevelHistory } from '../levels/levelHistory';
import { memberRoutes, pointsPolicyRoutes } from '../members/adminRoutes';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import { memberSearchRoutes } from '../members/searchRoutes';
import { menuRoutes } from '../menu/adminRoutes';
import { dynamoMenuStore } from '../menu/menuStore';
import { payoutRoutes } from '../payouts/adminRoutes';
import { peopleRoutes } from '../people/adminRoutes';
import { privacyRoutes } from '../privacy/adminRoutes';
import { campaignRoutes } from '../redpacket/adminRoutes';
import { reengageRoutes } from '../reengage/adminRoutes';
import { dynamoTouchStore } from '../reengage/touchStore';
import { segmentRoutes } from '../segments/adminRoutes';
import { dynamoSegmentIndex } from '../segments/dynamoSegmentIndex';
import { statsRoutes } from '../stats/adminRoutes';
import { dynamoStatsStore } from '../stats/dynamoStatsStore';
import { tagRoutes } from '../tags/adminRoutes';
import { dynamoTagStore } from '../tags/dynamoTagStore';
import { walletRoutes } from '../wallet/adminRoutes';
import { dynamoWallet } from '../wallet/wallet';
import { approvalRoutePorts, broadcastReview, campaignReview, payoutSettingsReview } from './approvals';
import { broadcastAdminPorts } from './broadcast';
import type { App } from './createApp';
import { identityPorts } from './identity';
import { inboxPorts } from './inbox';
import { crmPorts, expiryPolicyDocument, levelsDocument } from './crm';
import { importJobStarter } from './importJobStarter';
import { payClient, payoutOperatorPorts, payoutQueue } from './payouts';
import { campaignAdminPorts, walletPolicyDocument } from './redpacket';
import { reengagementRulesDocument } from './reengage';

/** Every admin route, each route module given its ports from the app (handlers/admin.ts matches and runs them). */
function buildAdminRoutes(app: App): CompiledRoute[] {
  const { table, clock } = app;
  const { appId, timeZone } = app.config;
  const zoned = { clock, timeZone };
  const segmentIndex = dynamoSegmentIndex(table);
  return compileRoutes([
    ...accountRoutes({ appId, timeZone }),
    ...meRoutes(() => adminRoutes(app)),
    ...peopleRoutes({ directory: identityPorts(app).directory }),
    ...importRoutes({ table, clock, levels: () => levelsDocument(app).get(), startJob: importJobStarter(app), syncMaxRows: app.config.importSyncMaxRows }),
    ...memberSearchRoutes({ table, segments: { clock, index: segmentIndex } }),
    ...memberRoutes({ members: dynamoMemberStore(table), points: crmPorts(app) }),
    ...inboxRoutes(inboxPorts(app)),
    ...levelRoutes({ ...zoned, levels: levelsDocument(app), history: dynamoLevelHistory(table) }),
    ...pointsPolicyRoutes({ ...zoned, policy: expiryPolicyDocument(app) }),
    ...tagRoutes({ clock, tags: dynamoTagStore(table) }),
    ...segmentRoutes({ clock, index: segmentIndex }),
    ...privacyRoutes({ ...zoned, table, pay: () => payClient(app) }),
    ...statsRoutes({ stats: dynamoStatsStore(table) }),
    ...autoreplyRoutes({ ...zoned, rules: dynamoRuleStore(table) }),
    ...couponRoutes(dynamoCouponPorts(table, clock, timeZone)),
    ...campaignRoutes({ ...campaignAdminPorts(app), review: campaignReview(app) }),
    ...walletRoutes({
      wallet: dynamoWallet(table),
      policy: walletPolicyDocument(app),
      clock,
      onPayoutOrdered: payoutQueue(app),
      review: payoutSettingsReview(app),
    }),
    ...payoutRoutes(payoutOperatorPorts(app)),
    ...broadcastRoutes({ ...broadcastAdminPorts(app), review: broadcastReview(app) }),
    ...reengageRoutes({ rules: reengagementRulesDocument(app), touches: dynamoTouchStore(table), clock }),
    ...menuRoutes({ ...zoned, menus: dynamoMenuStore(table), api: async () => app.wechatApi }),
    ...auditRoutes({ ...zoned, log: dynamoAuditLog(table) }),
    ...approvalRoutes(approvalRoutePorts(app)),
  ]);
}

/** The admin API's routes, made once per app. */
export const adminRoutes = (app: App): CompiledRoute[] => app.once(buildAdminRoutes);

/** The routes callable without a principal (signing in), checked at start not to shadow a role route. */
function buildPublicRoutes(app: App): CompiledRoute<PublicRoute>[] {
  const routes = sessionRoutes(identityPorts(app).sessions);
  compileRoutes<Endpoint>([...routes, ...adminRoutes(app)]);
  return compileRoutes(routes);
}

export const publicAdminRoutes = (app: App) => app.once(buildPublicRoutes);
