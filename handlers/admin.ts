import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { autoreplyRoutes } from '../lib/autoreply/adminRoutes';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { getRuntime } from '../lib/app/runtime';
import { weChatApi } from '../lib/app/wechatApi';
import { isAuthorized } from '../lib/http/bearer';
import { errorBoundary } from '../lib/http/errorBoundary';
import { bodyBytes, bodyText, json, type HttpResult } from '../lib/http/response';
import { compileRoutes, matchRoute } from '../lib/http/router';
import { memberRoutes, pointsPolicyRoutes } from '../lib/members/adminRoutes';
import { memberSearchRoutes } from '../lib/members/searchRoutes';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { menuRoutes } from '../lib/menu/adminRoutes';
import { dynamoMenuStore } from '../lib/menu/menuStore';
import { crmPorts, expiryPolicyDocument, levelsDocument } from '../lib/app/crm';
import { levelRoutes } from '../lib/levels/adminRoutes';
import { dynamoLevelHistory } from '../lib/levels/levelHistory';
import { segmentRoutes } from '../lib/segments/adminRoutes';
import { dynamoSegmentIndex } from '../lib/segments/dynamoSegmentIndex';
import { tagRoutes } from '../lib/tags/adminRoutes';
import { dynamoTagStore } from '../lib/tags/dynamoTagStore';
import { couponRoutes } from '../lib/coupons/adminRoutes';
import { dynamoCouponPorts } from '../lib/coupons/issueCoupon';
import { privacyRoutes } from '../lib/privacy/adminRoutes';
import { statsRoutes } from '../lib/stats/adminRoutes';
import { importRoutes } from '../lib/import/adminRoutes';
import { importJobStarter } from '../lib/app/importJobStarter';
import { dynamoStatsStore } from '../lib/stats/dynamoStatsStore';
import { campaignRoutes } from '../lib/redpacket/adminRoutes';
import { campaignAdminPorts, walletPolicyDocument } from '../lib/app/redpacket';
import { walletRoutes } from '../lib/wallet/adminRoutes';
import { payClient, payoutOperatorPorts, payoutQueue } from '../lib/app/payouts';
import { payoutRoutes } from '../lib/payouts/adminRoutes';
import { dynamoWallet } from '../lib/wallet/wallet';
import { broadcastRoutes } from '../lib/broadcast/adminRoutes';
import { broadcastAdminPorts } from '../lib/app/broadcast';
import { reengageRoutes } from '../lib/reengage/adminRoutes';
import { reengagementRulesDocument } from '../lib/app/reengage';
import { dynamoTouchStore } from '../lib/reengage/touchStore';
import { accountRoutes } from '../lib/admin/accountRoutes';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

let wired: { routes: ReturnType<typeof compileRoutes>; adminToken: string } | undefined;

async function wire() {
  if (!wired) {
    const rt = await getRuntime();
    const ports = { clock: rt.clock, timeZone: rt.config.timeZone };
    wired = {
      adminToken: rt.config.adminToken,
      routes: compileRoutes([
        ...accountRoutes({ appId: rt.config.appId, timeZone: rt.config.timeZone }),
        // Before /admin/members/{openid}, so `import` is never read as an openid.
        ...importRoutes({ table: rt.table, clock: rt.clock, levels: () => levelsDocument(rt).get(), startJob: importJobStarter(rt), syncMaxRows: Number(process.env.IMPORT_SYNC_MAX_ROWS) || undefined }),
        ...memberSearchRoutes({ table: rt.table, segments: { clock: rt.clock, index: dynamoSegmentIndex(rt.table) } }),
        ...memberRoutes({ members: dynamoMemberStore(rt.table), points: crmPorts(rt) }),
        ...levelRoutes({ ...ports, levels: levelsDocument(rt), history: dynamoLevelHistory(rt.table) }),
        ...pointsPolicyRoutes({ ...ports, policy: expiryPolicyDocument(rt) }),
        ...tagRoutes({ clock: rt.clock, tags: dynamoTagStore(rt.table) }),
        ...segmentRoutes({ clock: rt.clock, index: dynamoSegmentIndex(rt.table) }),
        ...privacyRoutes({ ...ports, table: rt.table, pay: payClient }),
        ...statsRoutes({ stats: dynamoStatsStore(rt.table) }),
        ...autoreplyRoutes({ ...ports, rules: dynamoRuleStore(rt.table) }),
        ...couponRoutes(dynamoCouponPorts(rt.table, rt.clock, rt.config.timeZone)),
        ...campaignRoutes(campaignAdminPorts(rt)),
        ...walletRoutes({ wallet: dynamoWallet(rt.table), policy: walletPolicyDocument(rt), clock: rt.clock, onPayoutOrdered: payoutQueue(rt) }),
        ...payoutRoutes(payoutOperatorPorts(rt)),
        ...broadcastRoutes(broadcastAdminPorts(rt)),
        ...reengageRoutes({ rules: reengagementRulesDocument(rt), touches: dynamoTouchStore(rt.table), clock: rt.clock }),
        ...menuRoutes({ ...ports, menus: dynamoMenuStore(rt.table), api: async () => weChatApi(rt) }),
      ]),
    };
  }
  return wired;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/** The admin API: bearer token, then one route, then its use case. */
export async function handleAdmin(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const { routes, adminToken } = await wire();
  if (!isAuthorized(header(event, 'authorization'), adminToken)) {
    return json(401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
  }
  const method = event.requestContext.http.method.toUpperCase();
  const matched = matchRoute(routes, method, event.rawPath ?? event.requestContext.http.path);
  if ('status' in matched) return json(matched.status, { error: matched.error });
  if (bodyBytes(event) > MAX_BODY_BYTES) return json(413, { error: 'body too large' });
  const raw = bodyText(event);
  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  let body: unknown = raw;
  if (raw && (contentType.includes('json') || !contentType)) {
    try {
      body = JSON.parse(raw);
    } catch {
      return json(400, { error: 'body is not valid JSON' });
    }
  }
  return matched.route.run({ params: matched.params, query: event.queryStringParameters ?? {}, body, rawBody: raw, contentType });
}

export const handler = middy<APIGatewayProxyEventV2, HttpResult>().use(errorBoundary()).handler(handleAdmin);
