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
import type { Runtime } from './runtime';
import { weChatApi } from './wechatApi';
import { payoutQueue } from './payouts';

/** Closing a round: the store, the prize coupon in the campaign's zone, and the winner's notice. */
export function closeRoundPorts(rt: Runtime): CloseRoundPorts {
  const members = dynamoMemberStore(rt.table);
  return {
    rounds: dynamoRoundStore(rt.table, rt.clock),
    coupons: dynamoCouponPorts(rt.table, rt.clock, rt.config.timeZone),
    notify: (openid, notice) => notifyMember({ members, api: weChatApi(rt), clock: rt.clock }, openid, notice),
    prizeTemplateId: rt.config.prizeTemplateId,
    clock: rt.clock,
  };
}

/** The callback's red-packet triggers: campaigns cached for a few seconds, grabs against the table. */
// One cache per container, so an admin change made in this container is seen by the next grab at once.
let cached: ReturnType<typeof cacheFor<CampaignRecord[]>> | undefined;
function campaignCache(rt: Runtime) {
  const campaigns = dynamoCampaignStore(rt.table);
  cached ??= cacheFor(CONFIG_CACHE_MS, () => campaigns.list(), rt.clock);
  return cached;
}

export function redPacketTriggers(rt: Runtime) {
  const cache = campaignCache(rt);
  const close = closeRoundPorts(rt);
  const grab: GrabPorts = {
    rounds: close.rounds,
    levels: crmPorts(rt).levels,
    onPayoutOrdered: payoutQueue(rt),
    onWon: countDaily(rt, 'redPacketFen'),
    // The last share is gone: close now so the luckiest grabber hears at once (the minute schedule is the backstop).
    onRoundEmptied: (campaignId, day) =>
      closeRound(close, campaignId, day).then(
        () => undefined,
        (err: unknown) => log.warn('closing an emptied round failed; the schedule will retry', { campaignId, day, ...describeError(err) }),
      ),
  };
  return campaignTriggers({ campaigns: () => cache.get(), grab });
}

/** The admin side of campaigns. */
export function campaignAdminPorts(rt: Runtime): CampaignAdminPorts {
  const close = closeRoundPorts(rt);
  return {
    campaigns: dynamoCampaignStore(rt.table),
    rounds: close.rounds,
    payoutStates: dynamoPayoutStates(rt.table),
    clock: rt.clock,
    closeRound: (campaignId, day) => closeRound(close, campaignId, day),
    changed: () => campaignCache(rt).invalidate(),
    couponTemplate: (id) => close.coupons.templates.get(id),
    levels: crmPorts(rt).levels,
  };
}

export function walletPolicyDocument(rt: Runtime) {
  return configDocument<WalletPolicy>(rt.table, 'WALLET_POLICY', DEFAULT_WALLET_POLICY);
}

function countDaily(rt: Runtime, counter: Counter) {
  return dailyCounter(dynamoStatsStore(rt.table), rt.config.timeZone, counter);
}
