import { ownValue } from '../records/own';
import { marketingWordIn, NO_MARKETING_RULE } from '../notices/marketingWording';

/**
 * WeChat's rules for marketing on an official account, checked on every campaign save. Refusals
 * name the rule; warnings point at wording that would make a service notice read like an ad.
 */
export interface ComplianceFinding {
  rule: string;
  path: string;
  message: string;
}

export interface ComplianceReport {
  refusals: ComplianceFinding[];
  warnings: ComplianceFinding[];
}

/** What the check needs to see of a campaign (the full schema lives in campaign.ts). */
export interface CampaignForCompliance {
  name: string;
  description?: string;
  trigger: { keywords?: string[]; menuKey?: string; event?: string };
  mechanics?: { type: string };
  notices?: Record<string, string>;
}

const SHARING_MECHANICS: Record<string, string> = {
  giftBox: '诱导分享：好友拆礼盒 (gift boxes opened by friends)',
  assist: '诱导分享：助力 (assist)',
  bargain: '诱导分享：砍价 (bargain)',
  collectLikes: '诱导分享：集赞 (collect likes)',
};

const SHARING_WORDS: [RegExp, string][] = [
  [/拆礼盒|好友.{0,4}拆|gift ?box/i, SHARING_MECHANICS.giftBox!],
  [/助力|assist/i, SHARING_MECHANICS.assist!],
  [/砍价|砍一刀|bargain/i, SHARING_MECHANICS.bargain!],
  [/集赞|点赞.{0,4}领|collect.{0,6}likes/i, SHARING_MECHANICS.collectLikes!],
  [/关注.{0,6}(领|送|得).{0,4}红包|follow.{0,12}(get|win).{0,12}red ?packet/i, '诱导关注：关注后领红包 (a reward for following)'],
];

export function checkCompliance(c: CampaignForCompliance): ComplianceReport {
  const refusals: ComplianceFinding[] = [];
  const warnings: ComplianceFinding[] = [];
  if (c.trigger.event === 'subscribe') {
    refusals.push({
      rule: '诱导关注：关注后领红包 (a reward for following)',
      path: 'trigger.event',
      message: 'a red packet for following the account is forbidden by WeChat; reward existing followers instead (sign-in, keyword, menu)',
    });
  }
  const sharing = c.mechanics && ownValue(SHARING_MECHANICS, c.mechanics.type);
  if (c.mechanics && sharing) {
    refusals.push({ rule: sharing, path: 'mechanics.type', message: `${c.mechanics.type} makes followers share to win: forbidden by WeChat` });
  }
  for (const [path, text] of [
    ['name', c.name],
    ['description', c.description ?? ''],
  ] as const) {
    for (const [pattern, rule] of SHARING_WORDS) {
      if (pattern.test(text)) refusals.push({ rule, path, message: `"${text.slice(0, 40)}" describes a mechanic WeChat forbids` });
    }
  }
  for (const [key, text] of Object.entries(c.notices ?? {})) {
    const hit = marketingWordIn(text);
    if (hit)
      warnings.push({
        rule: NO_MARKETING_RULE,
        path: `notices.${key}`,
        message: `"${hit}" reads like marketing; service notices must be about the member's own service (prize won, packet unclaimed)`,
      });
  }
  return { refusals, warnings };
}
