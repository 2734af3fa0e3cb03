import { businessDay, localParts, parseHhMm } from '../clock/timeZone';
import { addDays, endOfLocalDay, startOfLocalDay } from '../coupons/validity';
import { isInsideServiceWindow, type Member } from '../members/member';
import { DAY_MS } from '../segments/match';
import { marketingWordIn, NO_MARKETING_RULE } from '../notices/marketingWording';
import type { ApprovalMark } from '../approvals/approval';
import type { BroadcastConfig, QuietHours } from './broadcastSchema';

export interface ComplianceWarning {
  rule: string;
  path: string;
  message: string;
}

/** A broadcast as stored. Progress lives in sharded counters beside it (see progress.ts). */
export interface BroadcastRecord {
  id: string;
  config: BroadcastConfig;
  /** The instant the operator asked for (UTC ISO). */
  sendAt: string;
  /** When the dispatcher may next pick it up: sendAt, moved past quiet hours. Absent once expanded or cancelled. */
  dueAt?: string;
  state: 'scheduled' | 'expanding' | 'expanded' | 'cancelled';
  /** The audience cursor and how many members were queued so far. */
  expansion: { cursor?: string; queued: number; chunks: number; startedAt?: string; finishedAt?: string };
  /** Set on 45009 (daily template quota): nothing more goes out before this instant. */
  holdUntil?: string;
  warnings: ComplianceWarning[];
  version: number;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string;
  /** A broadcast to a crowd waits for a second person (lib/approvals): never due while pending, cancelled when rejected. */
  approval?: ApprovalMark;
}

/** Why a member got nothing. Each is counted separately in the progress. */
export type SkipReason =
  | 'no-member'
  | 'unsubscribed'
  | 'flagged-openid'
  | 'outside-window'
  | 'window-count'
  | 'frequency-cap'
  | 'mass-quota'
  | 'cancelled'
  | 'outcome-unknown';

/** One broadcast or mass send a member received, kept per local month on the member. */
export interface Touch {
  at: string;
  id: string;
  mass?: boolean;
  /** WeChat's msgid of a template notice: TEMPLATESENDJOBFINISH names it. */
  msgid?: string;
}

export const DEFAULT_MASS_MONTHLY_QUOTA = 4;

/** The instant `sendAt` names: now, a wall-clock time in the account's zone, or an ISO instant. */
export function sendAtInstant(sendAt: string, timeZone: string, nowMs: number): number {
  if (sendAt === 'now') return nowMs;
  if (/(Z|[+-]\d{2}:\d{2})$/.test(sendAt)) return Date.parse(sendAt);
  const [date, time] = sendAt.split('T') as [string, string];
  const [h, m, s] = time.split(':').map(Number);
  return startOfLocalDay(date, timeZone) + (h! * 60 + m!) * 60_000 + (s ?? 0) * 1000;
}

/** The end of the quiet hours we are in (the next local `end`), or undefined outside them. */
export function quietHoursEnd(quiet: QuietHours | null, timeZone: string, nowMs: number): number | undefined {
  if (!quiet) return undefined;
  const { date, minutesOfDay: t } = localParts(nowMs, timeZone);
  const s = parseHhMm(quiet.start);
  const e = parseHhMm(quiet.end);
  const inside = s <= e ? t >= s && t < e : t >= s || t < e;
  if (!inside || s === e) return undefined;
  const endDay = t < e ? date : businessDay(endOfLocalDay(date, timeZone) + 1, timeZone);
  return startOfLocalDay(endDay, timeZone) + e * 60_000;
}

/** WeChat's daily quotas reset at local midnight (Beijing time for every account). */
export function startOfNextDay(timeZone: string, nowMs: number): number {
  return endOfLocalDay(businessDay(nowMs, timeZone), timeZone) + 1;
}

/** When sending must wait: quiet hours or a daily-quota stop, whichever ends later; undefined to go now. */
export function heldUntil(b: Pick<BroadcastRecord, 'config' | 'holdUntil'>, timeZone: string, nowMs: number): number | undefined {
  const quota = b.holdUntil ? Date.parse(b.holdUntil) : 0;
  const quiet = quietHoursEnd(b.config.quietHours, timeZone, nowMs) ?? 0;
  const until = Math.max(quota, quiet);
  return until > nowMs ? until : undefined;
}

/** Service notices must not read like ads: a warning per template field with marketing wording. */
export function broadcastWarnings(config: BroadcastConfig): ComplianceWarning[] {
  const m = config.message;
  const template =
    m.channel === 'template'
      ? { at: 'message', t: m }
      : m.channel === 'custom' && m.outsideWindow
        ? { at: 'message.outsideWindow', t: m.outsideWindow }
        : undefined;
  if (!template) return [];
  return Object.entries(template.t.data).flatMap(([key, { value }]) => {
    const hit = marketingWordIn(value);
    return hit
      ? [
          {
            rule: NO_MARKETING_RULE,
            path: `${template.at}.data.${key}`,
            message: `"${hit}" reads like marketing; template notices are for service content (an order, points, a coupon about to expire). Use a mass send for promotions.`,
          },
        ]
      : [];
  });
}

export type DeliveryPlan = { channel: 'custom' | 'template' | 'mass' } | { skip: SkipReason };

export interface PlanContext {
  nowMs: number;
  timeZone: string;
  massMonthlyQuota: number;
}

/**
 * What one member gets from one broadcast, from their profile and the touches of this month and the
 * last: the channel to send on, or why they are skipped. WeChat's rules are enforced here, not left
 * to the operator.
 */
export function planDelivery(b: Pick<BroadcastRecord, 'id' | 'config'>, member: Member | undefined, touches: readonly Touch[], ctx: PlanContext): DeliveryPlan {
  if (!member) return { skip: 'no-member' };
  if (!member.subscribed) return { skip: 'unsubscribed' };
  if (member.openidFlagged) return { skip: 'flagged-openid' };
  const others = touches.filter((t) => t.id !== b.id);
  const cap = b.config.frequencyCap;
  if (cap && others.filter((t) => Date.parse(t.at) > ctx.nowMs - cap.days * DAY_MS).length >= cap.max) return { skip: 'frequency-cap' };
  const m = b.config.message;
  if (m.channel === 'mass') {
    const month = businessDay(ctx.nowMs, ctx.timeZone).slice(0, 7);
    const used = others.filter((t) => t.mass && businessDay(Date.parse(t.at), ctx.timeZone).startsWith(month)).length;
    return used >= ctx.massMonthlyQuota ? { skip: 'mass-quota' } : { channel: 'mass' };
  }
  if (m.channel === 'template') return { channel: 'template' };
  if (isInsideServiceWindow(member, ctx.nowMs)) return { channel: 'custom' };
  return m.outsideWindow ? { channel: 'template' } : { skip: 'outside-window' };
}

/** This local month and the last (`YYYY-MM`): where a member's touches of the last weeks are. */
export function monthsAround(nowMs: number, timeZone: string): [string, string] {
  const month = businessDay(nowMs, timeZone).slice(0, 7);
  return [month, addDays(`${month}-01`, -1).slice(0, 7)];
}
