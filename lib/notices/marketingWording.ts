/**
 * WeChat has blocked marketing inside template (service) messages since 2023. These words make a
 * notice read like an ad; a service notice should be about the member's own service instead.
 */
const MARKETING_WORDS = /优惠|促销|限时|抢购|折扣|秒杀|特价|大促|立减|满减|爆款|sale|discount|promo/i;

export const NO_MARKETING_RULE = '模板消息不得用于营销 (no marketing in template messages)';

/** The first marketing word in the text, if any. */
export function marketingWordIn(text: string): string | undefined {
  return MARKETING_WORDS.exec(text)?.[0];
}
