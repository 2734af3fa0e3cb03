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
import type { App } from './createApp';
import { historyRecorder } from './handoff';

export function reengagementRulesDocument(app: App) {
  return configDocument<ReengagementRule[]>(app.table, 'REENGAGE_RULES', []);
}

export function reengagePorts(app: App): ReengagePorts {
  const members = dynamoMemberStore(app.table);
  const history = historyRecorder(app);
  const crm = crmPorts(app);
  const coupons = dynamoCouponPorts(app.table, app.clock, app.config.timeZone);
  // The same shared rate as broadcasts: both are outbound WeChat messages.
  const limiter = wechatSendLimiter(app);
  return {
    rules: () => reengagementRulesDocument(app).get(),
    candidates: dynamoCandidates(app.table, dynamoSegmentIndex(app.table), app.config.timeZone),
    members,
    touches: countingTouches(app),
    async grantBenefit(openid, benefit, key): Promise<Record<string, string>> {
      if ('points' in benefit) {
        await changePoints(crm, openid, { delta: benefit.points, kind: 'grant', reason: '回访礼', idempotencyKey: key });
        return { benefit: `${benefit.points} 积分`, points: String(benefit.points) };
      }
      const issued = await issueCoupon(coupons, openid, benefit.couponTemplateId, key);
      return 'coupon' in issued && issued.coupon ? { benefit: issued.coupon.title, coupon: issued.coupon.title } : {};
    },
    notify: (openid, notice) => notifyMember({ members, api: app.wechatApi, clock: app.clock, history }, openid, notice),
    pace: () => limiter.take(),
    clock: app.clock,
    timeZone: app.config.timeZone,
  };
}

/** The touch store, also counting notices sent into the daily numbers. */
function countingTouches(app: App): TouchStore {
  const touches = dynamoTouchStore(app.table);
  const count = dailyCounter(dynamoStatsStore(app.table), app.config.timeZone, 'reengagementSent');
  return {
    ...touches,
    async recordTouch(ruleId, openid, outcome, nowMs, attributionDays) {
      await touches.recordTouch(ruleId, openid, outcome, nowMs, attributionDays);
      if (outcome === 'sent') await count(openid, 1, nowMs);
    },
  };
}
