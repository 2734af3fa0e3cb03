import { issueCoupon, type CouponPorts } from '../coupons/issueCoupon';
import { localWallClock } from '../coupons/validity';
import type { MemberNotice, NoticeResult } from '../notices/notifyMember';
import { yuan } from '../money/yuan';
import type { BestLuck, RoundStore, StoredRound, TakenShare } from './roundStore';

export interface CloseRoundPorts {
  rounds: RoundStore;
  coupons: CouponPorts;
  notify: (openid: string, notice: MemberNotice) => Promise<NoticeResult>;
  /** The account's "prize won" template, used when the campaign names none. */
  prizeTemplateId?: string;
  clock: { now(): number };
}

export type CloseResult = { status: 'closed'; round: StoredRound } | { status: 'not-open' };

/** The luckiest grab: the largest share; a tie goes to the earlier grab (then the lower share number). */
export function bestLuckOf(taken: readonly TakenShare[]): BestLuck | undefined {
  let best: TakenShare | undefined;
  for (const t of taken) {
    if (!best || t.amountFen > best.amountFen || (t.amountFen === best.amountFen && (t.at < best.at || (t.at === best.at && t.index < best.index)))) best = t;
  }
  return best && { openid: best.openid, amountFen: best.amountFen, index: best.index, at: best.at };
}

/**
 * Closes a round once (at its end, or when its last share went): unclaimed shares and the unused
 * bonus pool go back to the budget (returned), the luckiest grabber gets the prize coupon (valid to
 * the end of the week in the campaign's zone) and is told. A closer that dies part way leaves a lease; the next run finishes the job, and
 * every step is idempotent (conditional returns, a coupon keyed on the round) or done at most once
 * (the notice, claimed before it is sent).
 */
export async function closeRound(ports: CloseRoundPorts, campaignId: string, day: string): Promise<CloseResult> {
  const round = await ports.rounds.beginClose(campaignId, day);
  if (!round) return { status: 'not-open' };
  const r = round.snapshot;
  const returnedFen = await ports.rounds.returnFreeShares(r);
  await ports.rounds.returnBonus(r);
  const bestLuck = bestLuckOf(await ports.rounds.taken(r));
  let prize: StoredRound['prize'];
  if (bestLuck && r.bestLuckPrize) prize = await givePrize(ports, round, bestLuck);
  const closedAt = new Date(ports.clock.now()).toISOString();
  await ports.rounds.finishClose(campaignId, day, { bestLuck, returnedFen, closedAt, prize });
  return { status: 'closed', round: { ...round, status: 'closed', bestLuck, returnedFen, closedAt, prize } };
}

async function givePrize(ports: CloseRoundPorts, round: StoredRound, best: BestLuck): Promise<NonNullable<StoredRound['prize']>> {
  const r = round.snapshot;
  const prize = r.bestLuckPrize!;
  const issued = await issueCoupon(ports.coupons, best.openid, prize.couponTemplateId, `redpacket:${r.campaignId}:${r.day}`, {
    validity: { type: 'endOfWeek' },
    timeZone: r.timezone,
  });
  if (issued.status !== 'issued' && issued.status !== 'duplicate') return { error: `coupon not issued: ${issued.status}` };
  const coupon = issued.coupon;
  const until = localWallClock(Date.parse(coupon.validUntil), r.timezone);
  const templateId = prize.noticeTemplateId ?? ports.prizeTemplateId;
  const text = `🎉 你是「${r.name}」${r.day} 这一轮的手气最佳（${yuan(best.amountFen)} 元）！奖品「${coupon.title}」已放进你的卡包，券码 ${coupon.code}，有效期至本周日。发送“我的账户”查看。`;
  const notice: MemberNotice = {
    text,
    clientMsgId: `prize${r.campaignId}${r.day.replaceAll('-', '')}`,
    by: { kind: 'campaign', id: r.campaignId },
    template: templateId
      ? {
          templateId,
          data: {
            first: { value: '恭喜你获得手气最佳奖' },
            keyword1: { value: r.name },
            keyword2: { value: coupon.title },
            keyword3: { value: until.slice(0, 10) },
            remark: { value: `券码 ${coupon.code}` },
          },
        }
      : undefined,
  };
  // A closer that died after telling them may have told them already: never twice (the coupon is
  // in their account either way, and "我的账户" shows it).
  if (!(await ports.rounds.claimPrizeNotice(r.campaignId, r.day)))
    return { couponCode: coupon.code, error: 'not notified: an earlier closer already tried (told at most once)' };
  const told = await ports.notify(best.openid, notice).catch((err: unknown) => ({ failed: { errcode: -1, errmsg: String(err), kind: 'transient' as const } }));
  if ('sent' in told) return { couponCode: coupon.code, notifiedBy: told.sent };
  return { couponCode: coupon.code, error: 'skipped' in told ? `not notified: ${told.skipped}` : `not notified: ${told.failed.errcode} ${told.failed.errmsg}` };
}
