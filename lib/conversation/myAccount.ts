import type { Action } from './actions';

/** MY_ACCOUNT: what we know of the follower, in one glance. */
export const showMyAccount: Action = async ({ member }) => ({
  type: 'text',
  content: [`会员等级：${member.level}`, `积分：${member.points}`, member.subscribedAt ? `关注时间：${member.subscribedAt.slice(0, 10)}` : undefined]
    .filter(Boolean)
    .join('\n'),
});
