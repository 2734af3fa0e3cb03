import { compileRules } from '../autoreply/engine';
import { dynamoRuleStore } from '../autoreply/ruleStore';
import { dynamoDedupStore } from '../conversation/dynamoDedupStore';
import type { Action } from '../conversation/actions';
import { myAccountAction, signInAction } from '../signin/actions';
import type { ConversationPorts } from '../conversation/respondToFollower';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import { cacheFor } from '../store/cacheFor';
import { dynamoStatsStore } from '../stats/dynamoStatsStore';
import { interactionCounter } from '../stats/recordStats';
import { dynamoCoupons } from '../coupons/dynamoCouponStore';
import { validCouponsOf } from '../coupons/issueCoupon';
import { dynamoTagStore } from '../tags/dynamoTagStore';
import { describeError, log } from '../observability/log';
import { crmPorts } from './crm';
import { notePendingLinks } from '../import/linkProspects';
import type { Runtime } from './runtime';
import { redPacketTriggers } from './redpacket';
import { jobReportHandlers } from '../broadcast/jobReports';
import { dynamoDeliveryStore } from '../broadcast/dynamoDeliveryStore';
import { dynamoTouchStore } from '../reengage/touchStore';
import { dailyCounter } from '../stats/countDaily';

/** Auto-reply rules are read from the table at most this often per container. */
export const RULES_CACHE_MS = 5_000;

/** The callback's ports, wired to DynamoDB. Later capabilities add their actions here. */
export function conversationPorts(rt: Runtime): ConversationPorts {
  const ruleStore = dynamoRuleStore(rt.table);
  const rules = cacheFor(RULES_CACHE_MS, async () => compileRules(await ruleStore.list()), rt.clock);
  const crm = crmPorts(rt);
  const coupons = dynamoCoupons(rt.table);
  const tagStore = dynamoTagStore(rt.table);
  const actions = new Map<string, Action>([
    ['SIGN_IN', signInAction(crm)],
    ['MY_ACCOUNT', myAccountAction({ levels: crm.levels, validCoupons: (openid, now) => validCouponsOf({ coupons }, openid, now), timeZone: rt.config.timeZone })],
  ]);
  return {
    dedup: dynamoDedupStore(rt.table),
    members: dynamoMemberStore(rt.table),
    rules: () => rules.get(),
    actions,
    triggers: redPacketTriggers(rt),
    systemEvents: jobReportHandlers(dynamoDeliveryStore(rt.table), rt.config.timeZone),
    tagMember: async (openid, change) => {
      const result = await tagStore.change(openid, change, rt.clock.now()).catch((err: unknown) => (log.warn('tagging by rule failed', describeError(err)), undefined));
      if (result?.status === 'too-many') log.info('tagging by rule skipped: the member has 20 tags', { openid });
    },
    onInteraction: both(interactionCounter(dynamoStatsStore(rt.table), rt.config.timeZone), notePendingLinks(rt.table), reengagedBy(rt)),
    clock: rt.clock,
    timeZone: rt.config.timeZone,
  };
}

/** Runs interaction hooks side by side (daily numbers; a note to link imported prospects on subscribe). */
type InteractionHook = NonNullable<ConversationPorts['onInteraction']>;

function both(...hooks: ((...args: Parameters<InteractionHook>) => Promise<void>)[]): InteractionHook {
  return async (openid, interaction, member) => {
    await Promise.all(hooks.map((h) => h(openid, interaction, member)));
  };
}

/** A member who comes back inside a re-engagement notice's window counts for that rule (once). */
function reengagedBy(rt: Runtime): InteractionHook {
  const touches = dynamoTouchStore(rt.table);
  const count = dailyCounter(dynamoStatsStore(rt.table), rt.config.timeZone, 'reengaged');
  return async (openid, interaction, member) => {
    if (!member.lastTouch || (interaction.kind === 'event' && interaction.event === 'unsubscribe')) return;
    const counted = await touches.attribute(member, interaction.at).catch((err: unknown) => (log.warn('re-engagement attribution failed', describeError(err)), false));
    if (counted) await count(openid, 1, interaction.at);
  };
}
