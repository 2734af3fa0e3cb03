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
import type { App } from './createApp';
import { redPacketTriggers } from './redpacket';
import { jobReportHandlers } from '../broadcast/jobReports';
import { dynamoDeliveryStore } from '../broadcast/dynamoDeliveryStore';
import { dynamoTouchStore } from '../reengage/touchStore';
import { dailyCounter } from '../stats/countDaily';
import { handoffPorts, historyRecorder } from './handoff';

/** Auto-reply rules are read from the table at most this often per container. */
export const RULES_CACHE_MS = 5_000;

/** The callback's ports, wired to DynamoDB. Later capabilities add their actions here. */
export function conversationPorts(app: App): ConversationPorts {
  const ruleStore = dynamoRuleStore(app.table);
  const rules = cacheFor(RULES_CACHE_MS, async () => compileRules(await ruleStore.list()), app.clock);
  const crm = crmPorts(app);
  const coupons = dynamoCoupons(app.table);
  const tagStore = dynamoTagStore(app.table);
  const actions = new Map<string, Action>([
    ['SIGN_IN', signInAction(crm)],
    [
      'MY_ACCOUNT',
      myAccountAction({ levels: crm.levels, validCoupons: (openid, now) => validCouponsOf({ coupons }, openid, now), timeZone: app.config.timeZone }),
    ],
  ]);
  return {
    dedup: dynamoDedupStore(app.table),
    members: dynamoMemberStore(app.table),
    rules: () => rules.get(),
    actions,
    triggers: redPacketTriggers(app),
    systemEvents: jobReportHandlers(dynamoDeliveryStore(app.table), app.config.timeZone),
    tagMember: async (openid, change) => {
      const result = await tagStore.change(openid, change, app.clock.now()).catch((err: unknown) => {
        log.warn('tagging by rule failed', describeError(err));
        return undefined;
      });
      if (result?.status === 'too-many') log.info('tagging by rule skipped: the member has 20 tags', { openid });
    },
    onInteraction: both(interactionCounter(dynamoStatsStore(app.table), app.config.timeZone), notePendingLinks(app.table), reengagedBy(app)),
    history: historyRecorder(app),
    handoff: handoffPorts(app),
    clock: app.clock,
    timeZone: app.config.timeZone,
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
function reengagedBy(app: App): InteractionHook {
  const touches = dynamoTouchStore(app.table);
  const count = dailyCounter(dynamoStatsStore(app.table), app.config.timeZone, 'reengaged');
  return async (openid, interaction, member) => {
    if (!member.lastTouch || (interaction.kind === 'event' && interaction.event === 'unsubscribe')) return;
    const counted = await touches.attribute(member, interaction.at).catch((err: unknown) => {
      log.warn('re-engagement attribution failed', describeError(err));
      return false;
    });
    if (counted) await count(openid, 1, interaction.at);
  };
}
