import { changePoints } from '../members/grantPoints';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import { dynamoCouponPorts, issueCoupon } from '../coupons/issueCoupon';
import { notifyMember } from '../notices/notifyMember';
import { dynamoCandidates } from '../reengage/dynamoCandidates';
import type { ReengagementRule } from '../reengage/rule';
import type { ReengagePorts } from '../reengage/runReengagement';
import { dynamoTouchStore, type TouchStore } from '../reengage/touchStore';
import { dailyCounter } from '../stats/countDaily';
import { dynamoStatsStore } from '../stats/dynamoStatsStore';
import { dynamoSegmentIndex } from '../segments/dynamoSegmentIndex';
import { configDocument } from '../store/configDocument';
import { wechatSendLimiter } from './broadcast';
import { crmPorts } from './crm';
import type { Runtime } from './runtime';
import { weChatApi } from './wechatApi';

export function reengagementRulesDocument(rt: Runtime) {
  return configDocument<ReengagementRule[]>(rt.table, 'REENGAGE_RULES', []);
}

export function reengagePorts(rt: Runtime): ReengagePorts {
  const members = dynamoMemberStore(rt.table);
  const crm = crmPorts(rt);
  const coupons = dynamoCouponPorts(rt.table, rt.clock, rt.config.timeZone);
  // The same shared rate as broadcasts: both are outbound WeChat messages.
  const limiter = wechatSendLimiter(rt);
  return {
    rules: () => reengagementRulesDocument(rt).get(),
    candidates: dynamoCandidates(rt.table, dynamoSegmentIndex(rt.table), rt.config.timeZone),
    members,
    touches: countingTouches(rt),
    async grantBenefit(openid, benefit, key): Promise<Record<string, string>> {
      if ('points' in benefit) {
        await changePoints(crm, openid, { delta: benefit.points, kind: 'grant', reason: '回访礼', idempotencyKey: key });
        return { benefit: `${benefit.points} 积分`, points: String(benefit.points) };
      }
      const issued = await issueCoupon(coupons, openid, benefit.couponTemplateId, key);
      return 'coupon' in issued && issued.coupon ? { benefit: issued.coupon.title, coupon: issued.coupon.title } : {};
    },
    notify: (openid, notice) => notifyMember({ members, api: weChatApi(rt), clock: rt.clock }, openid, notice),
    pace: () => limiter.take(),
    clock: rt.clock,
    timeZone: rt.config.timeZone,
  };
}

/** The touch store, also counting notices sent into the daily numbers. */
function countingTouches(rt: Runtime): TouchStore {
  const touches = dynamoTouchStore(rt.table);
  const count = dailyCounter(dynamoStatsStore(rt.table), rt.config.timeZone, 'reengagementSent');
  return {
    ...touches,
    async recordTouch(ruleId, openid, outcome, nowMs, attributionDays) {
      await touches.recordTouch(ruleId, openid, outcome, nowMs, attributionDays);
      if (outcome === 'sent') await count(openid, 1, nowMs);
    },
  };
}
