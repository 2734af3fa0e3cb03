import { yuan } from '../money/yuan';
import type { Action } from '../conversation/actions';
import type { Coupon } from '../coupons/coupon';
import { businessDay } from '../clock/timeZone';
import { progressToNext, type Level } from '../levels/levels';
import { signIn, type SignInPorts } from './signIn';

/** SIGN_IN (menu) and 签到 (keyword): the reply says points earned, streak and balance. */
export function signInAction(ports: SignInPorts): Action {
  return async ({ member }) => {
    const r = await signIn(ports, member.openid);
    if (r.status === 'signed-in') {
      const lines = [
        `签到成功！+${r.points} 积分`,
        `已连续签到 ${r.streak} 天${r.bonus ? `，获得连续签到奖励 ${r.bonus} 积分` : ''}`,
        `当前积分：${r.balance}`,
      ];
      if (r.upgradedTo) lines.push(`🎉 恭喜升级为「${r.upgradedTo}」会员！`);
      return { type: 'text', content: lines.join('\n') };
    }
    if (r.status === 'already') return { type: 'text', content: `今天已经签到过啦（已连续 ${r.streak} 天），明天再来～\n当前积分：${r.balance}` };
    return { type: 'text', content: '请先关注公众号再签到哦。' };
  };
}

export interface MyAccountPorts {
  levels: () => Promise<readonly Level[]>;
  validCoupons: (openid: string, nowMs: number) => Promise<Coupon[]>;
  timeZone: string;
}

/** MY_ACCOUNT (menu) and 积分 / 我的 (keywords): balance, level, the way to the next one, coupons. */
export function myAccountAction({ levels, validCoupons, timeZone }: MyAccountPorts): Action {
  return async ({ member: m, nowMs }) => {
    const progress = progressToNext(await levels(), m.level, m.lifetimePoints ?? 0, m.spendFen ?? 0);
    const lines = [`会员等级：${m.level}`, `当前积分：${m.points}`];
    if (progress) {
      const ways = [
        progress.pointsNeeded !== undefined ? `再得 ${progress.pointsNeeded} 积分` : undefined,
        progress.spendNeededFen !== undefined ? `或再消费 ¥${yuan(progress.spendNeededFen)}` : undefined,
      ].filter(Boolean);
      lines.push(`距离「${progress.next.name}」：${ways.join(' ')}`);
    } else lines.push('您已是最高等级会员 💎');
    if (m.signInStreak) lines.push(`连续签到：${m.signInStreak} 天`);
    const coupons = await validCoupons(m.openid, nowMs);
    if (coupons.length) {
      lines.push(`可用优惠券（${coupons.length}）：`);
      for (const c of coupons.slice(0, 5)) lines.push(`· ${c.title}（${c.code}，${businessDay(Date.parse(c.validUntil), timeZone).slice(5)} 前有效）`);
    }
    return { type: 'text', content: lines.join('\n') };
  };
}
