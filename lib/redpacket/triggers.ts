import type { Action, Triggered } from '../conversation/actions';
import { metric } from '../observability/metrics';
import { isLive, type CampaignRecord } from './campaignRecord';
import { grabRedPacket, type GrabPorts } from './grabRedPacket';
import { grabReply } from './grabReplies';
import { roundAt } from './roundSchedule';

export interface TriggerPorts {
  /** Campaigns as cached by the container (a few seconds old at most). */
  campaigns: () => Promise<CampaignRecord[]>;
  grab: GrabPorts;
}

/** The grab as a conversation action: the reply is the grab's outcome in words, stored for retries. */
export function grabAction(ports: GrabPorts, campaign: CampaignRecord): Action {
  return async (ctx) => {
    const outcome = await grabRedPacket(ports, campaign, ctx.member, ctx.dedupKey, ctx.nowMs, ctx.deadline);
    metric('Grabs', 1, 'Count', { outcome: outcome.kind });
    const content = grabReply(outcome, campaign.config.name);
    if (outcome.kind === 'won') {
      await Promise.all([
        ports.rounds.saveReply(ctx.member.openid, ctx.dedupKey, content),
        ports.onWon?.(ctx.member.openid, outcome.amountFen + outcome.bonusFen, ctx.nowMs),
      ]);
    }
    return { type: 'text', content };
  };
}

/** Live campaigns answering a trigger; when several do (different days), the one with an open round wins. */
function pick(found: CampaignRecord[], nowMs: number): CampaignRecord | undefined {
  return (
    found.find((c) => roundAt(c.config.schedule, nowMs).state === 'open') ??
    found.sort((a, b) => a.config.schedule.from.localeCompare(b.config.schedule.from))[0]
  );
}

export function campaignTriggers(ports: TriggerPorts) {
  const live = async (nowMs: number) => (await ports.campaigns()).filter((c) => isLive(c, nowMs) && c.config.trigger.event === undefined);
  return {
    async keyword(text: string, nowMs: number): Promise<Triggered | undefined> {
      const word = text.trim().toLowerCase();
      if (!word || word.length > 32) return undefined;
      const found = (await live(nowMs)).filter((c) => (c.config.trigger.keywords ?? []).some((k) => k.toLowerCase() === word));
      const c = pick(found, nowMs);
      return c && { action: grabAction(ports.grab, c), campaignId: c.id };
    },
    async menu(key: string, nowMs: number): Promise<Triggered | undefined> {
      const found = (await live(nowMs)).filter((c) => c.config.trigger.menuKey === key);
      const c = pick(found, nowMs);
      return c && { action: grabAction(ports.grab, c), campaignId: c.id };
    },
  };
}
