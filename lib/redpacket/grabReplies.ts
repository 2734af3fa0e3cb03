import type { GrabOutcome } from './grabRedPacket';
import type { PayoutMode } from './campaignRecord';
import { yuan } from '../money/yuan';

const PAYOUT_NOTE: Record<PayoutMode, string> = {
  wallet: '已存入你的会员钱包，满额即可提现。',
  transfer: '稍后会收到微信转账，请在消息里点击确认收款。',
  redpack: '现金红包稍后发到这里，请留意领取。',
};

const dayText = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/** The follower's reply for every outcome of a grab: always says what happened and what to do next. */
export function grabReply(o: GrabOutcome, campaignName: string): string {
  switch (o.kind) {
    case 'won': {
      const bonus = o.bonusFen > 0 ? `（会员加成 +${yuan(o.bonusFen)} 元）` : '';
      const left = o.left > 0 ? `还剩 ${o.left} 个红包。` : '红包已全部抢完。';
      return `🧧 恭喜！你在「${campaignName}」抢到 ${yuan(o.amountFen)} 元${bonus}，是第 ${o.rank} 位抢到的，${left}${PAYOUT_NOTE[o.round.payoutMode]}`;
    }
    case 'replayed':
      return o.reply ?? `你已经抢到 ${yuan(o.amountFen)} 元啦。`;
    case 'not-started':
      return `「${campaignName}」今天 ${o.opensAt} 开抢，到时候再来发“红包”吧。`;
    case 'ended-today':
      return o.hasTomorrow ? `今天的「${campaignName}」已经结束啦，明天 ${o.opensAt} 再来。` : `「${campaignName}」已经结束啦，谢谢参与！`;
    case 'outside-campaign':
      return o.before ? `「${campaignName}」${dayText(o.from)} 开始，敬请期待。` : `「${campaignName}」已经结束啦，谢谢参与！`;
    case 'paused':
      return `「${campaignName}」暂停中，请稍后再来。`;
    case 'all-gone':
      return o.hasTomorrow ? `手慢了，这一轮红包已经抢完啦。明天 ${o.opensAt} 再来！` : '手慢了，红包已经抢完啦，谢谢参与！';
    case 'already-grabbed':
      return o.lastFen !== undefined
        ? `你已经抢过这一轮的红包啦（${yuan(o.lastFen)} 元），${o.perRound > 1 ? `每轮最多 ${o.perRound} 次，` : ''}下一轮再来。`
        : '你已经抢过这一轮的红包啦，下一轮再来。';
    case 'day-limit':
      return `今天抢红包的次数（${o.perDay} 次）已经用完，明天再来。`;
    case 'not-eligible':
      return o.why.reason === 'level' ? `这个红包仅限 ${o.why.levels.join('、')} 会员参加，签到攒积分就能升级哦。` : '这个红包仅限部分会员参加，下次活动再见。';
    case 'busy':
      return '抢红包的人太多啦，请再发一次“红包”试试。';
  }
}
