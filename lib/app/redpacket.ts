import { dailyCounter } from '../stats/countDaily';
import type { Counter } from '../stats/dailyStats';
import { dynamoStatsStore } from '../stats/dynamoStatsStore';
import { dynamoCouponPorts } from '../coupons/issueCoupon';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import { notifyMember } from '../notices/notifyMember';
import { dynamoPayoutStates } from '../payouts/payoutStates';
import type { CampaignAdminPorts } from '../redpacket/adminRoutes';
import { dynamoCampaignStore } from '../redpacket/campaignStore';
import type { CampaignRecord } from '../redpacket/campaignRecord';
import { closeRound, type CloseRoundPorts } from '../redpacket/closeRound';
import { dynamoRoundStore } from '../redpacket/dynamoRoundStore';
import type { GrabPorts } from '../redpacket/grabRedPacket';
import { campaignTriggers } from '../redpacket/triggers';
import { describeError, log } from '../observability/log';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { DEFAULT_WALLET_POLICY, type WalletPolicy } from '../wallet/wallet';
import { CONFIG_CACHE_MS, crmPorts } from './crm';
import type { App } from './createApp';
import { payoutQueue } from './payouts';
import { historyRecorder } from './handoff';

/** Closing a round: the store, the prize coupon in the campaign's zone, and the winner's notice. */
export function closeRoundPorts(app: App): CloseRoundPorts {
  const members = dynamoMemberStore(app.table);
  const history = historyRecorder(app);
  return {
    rounds: dynamoRoundStore(app.table, app.clock),
    coupons: dynamoCouponPorts(app.table, app.clock, app.config.timeZone),
    notify: (openid, notice) => notifyMember({ members, api: app.wechatApi, clock: app.clock, history }, openid, notice),
    prizeTemplateId: app.config.prizeTemplateId,
    clock: app.clock,
  };
}

/** The callback's red-packet triggers: campaigns cached for a few seconds, grabs against the table. */
// One cache per app, so an admin change made in this container is seen by the next grab at once.
function campaignList(app: App) {
  const campaigns = dynamoCampaignStore(app.table);
  return cacheFor<CampaignRecord[]>(CONFIG_CACHE_MS, () => campaigns.list(), app.clock);
}
export const campaignCache = (app: App) => app.once(campaignList);

export function redPacketTriggers(app: App) {
  const cache = campaignCache(app);
  const closer = roundCloseQueue(app);
  const grab: GrabPorts = {
    rounds: dynamoRoundStore(app.table, app.clock),
    levels: crmPorts(app).levels,
    onPayoutOrdered: payoutQueue(app),
    onWon: countDaily(app, 'redPacketFen'),
    // The last share is gone: the closing worker closes the round (best luck, prize, notice) within
    // seconds, off the follower's reply; the minute schedule closes it if the hand-off is lost.
    onRoundEmptied: (campaignId, day) =>
      closer(campaignId, day).catch((err: unknown) =>
        log.warn('handing an emptied round to the closer failed; the schedule will close it', { campaignId, day, ...describeError(err) }),
      ),
  };
  return campaignTriggers({ campaigns: () => cache.get(), grab });
}

/** Hands an emptied round to the closing worker through its queue. */
export function roundCloseQueue(app: App): (campaignId: string, day: string) => Promise<void> {
  return (campaignId, day) => app.queues.roundClose.send([{ campaignId, day }]);
}

/** The admin side of campaigns. */
export function campaignAdminPorts(app: App): CampaignAdminPorts {
  const close = closeRoundPorts(app);
  return {
    campaigns: dynamoCampaignStore(app.table),
    rounds: close.rounds,
    payoutStates: dynamoPayoutStates(app.table),
    clock: app.clock,
    closeRound: (campaignId, day) => closeRound(close, campaignId, day),
    changed: () => campaignCache(app).invalidate(),
    couponTemplate: (id) => close.coupons.templates.get(id),
    levels: crmPorts(app).levels,
  };
}

export function walletPolicyDocument(app: App) {
  return configDocument<WalletPolicy>(app.table, 'WALLET_POLICY', DEFAULT_WALLET_POLICY);
}

function countDaily(app: App, counter: Counter) {
  return dailyCounter(dynamoStatsStore(app.table), app.config.timeZone, counter);
}
