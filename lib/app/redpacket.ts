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
import { outsideDeadline } from '../deadline/deadline';
import { queueUrlFor } from '../queue/queueUrl';
import { sqsQueue } from '../queue/sqsQueue';

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
  const closer = roundCloseQueue(rt);
  const grab: GrabPorts = {
    rounds: dynamoRoundStore(rt.table, rt.clock),
    levels: crmPorts(rt).levels,
    onPayoutOrdered: payoutQueue(rt),
    onWon: countDaily(rt, 'redPacketFen'),
    // The last share is gone: the closing worker closes the round (best luck, prize, notice) within
    // seconds, off the follower's reply; the minute schedule closes it if the hand-off is lost.
    onRoundEmptied: (campaignId, day) =>
      closer(campaignId, day).catch((err: unknown) => log.warn('handing an emptied round to the closer failed; the schedule will close it', { campaignId, day, ...describeError(err) })),
  };
  return campaignTriggers({ campaigns: () => cache.get(), grab });
}

/** The round-closing worker's message (handlers/redpacket-close). */
export interface RoundCloseMessage {
  campaignId: string;
  day: string;
}

/**
 * Hands an emptied round to the closing worker: through SQS whenever the round-close queue is
 * configured (AWS, or local-aws-sqs under `npm start`, see queueUrlFor); only with no queue at all
 * (unit tests) is it closed in-process, detached from the push that emptied it and from its deadline.
 */
export function roundCloseQueue(rt: Runtime): (campaignId: string, day: string) => Promise<void> {
  const url = queueUrlFor('ROUND_CLOSE');
  if (url) {
    const queue = sqsQueue<RoundCloseMessage>(url);
    return (campaignId, day) => queue.send([{ campaignId, day }]);
  }
  const ports = closeRoundPorts(rt);
  return async (campaignId, day) => {
    void outsideDeadline(() => closeRound(ports, campaignId, day)).catch((err: unknown) => log.warn('closing an emptied round failed; the schedule will retry', { campaignId, day, ...describeError(err) }));
  };
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
