import { payConfigFromEnv, type PayConfigInput } from '../pay/config';

/** Where WeChat Pay's keys come from (WECHATPAY_*). */
export type PayKeySource =
  | { kind: 'none' }
  /** Merchant keys from the environment (WECHATPAY_MCHID and the rest). */
  | { kind: 'env'; input: PayConfigInput }
  /** Local stack only (WECHATPAY_SANDBOX_KEYS=true): the sandbox's dev keys, fetched from WECHATPAY_BASE. */
  | { kind: 'sandbox'; url: string }
  /**
   * Half-filled: the error is raised where WeChat Pay is used, not at a cold start, so a broken
   * payout configuration never takes the callback down with it.
   */
  | { kind: 'invalid'; error: string };

export interface PaySettings {
  keys: PayKeySource;
  /** WECHATPAY_TIMEOUT_MS, over the keys' own. */
  timeoutMs?: number;
  /** WECHATPAY_NOTIFY_URL, over the keys' own. */
  notifyUrl?: string;
  /** WECHATPAY_RATE_PER_SECOND: every payout call, from any function, shares this rate. */
  ratePerSecond?: number;
  /** TRANSFER_CONFIRM_PAGE_URL: the H5 page where a follower confirms a transfer bill. */
  confirmPageUrl?: string;
  /** WECHAT_TRANSFER_TEMPLATE_ID: the service notice that sends a follower to that page. */
  confirmTemplateId?: string;
  /** REDPACK_SEND_NAME: the sender named on a classic red packet. */
  sendName?: string;
}

function keySource(env: NodeJS.ProcessEnv): PayKeySource {
  try {
    const input = payConfigFromEnv(env);
    if (input) return { kind: 'env', input };
  } catch (err) {
    return { kind: 'invalid', error: (err as Error).message };
  }
  if (env.WECHATPAY_SANDBOX_KEYS !== 'true') return { kind: 'none' };
  if (!env.WECHATPAY_BASE) return { kind: 'invalid', error: 'pay configuration: WECHATPAY_SANDBOX_KEYS needs WECHATPAY_BASE (the sandbox URL)' };
  return { kind: 'sandbox', url: env.WECHATPAY_BASE };
}

export function paySettingsOf(env: NodeJS.ProcessEnv): PaySettings {
  return {
    keys: keySource(env),
    timeoutMs: Number(env.WECHATPAY_TIMEOUT_MS) || undefined,
    notifyUrl: env.WECHATPAY_NOTIFY_URL || undefined,
    ratePerSecond: Number(env.WECHATPAY_RATE_PER_SECOND) || undefined,
    confirmPageUrl: env.TRANSFER_CONFIRM_PAGE_URL || undefined,
    confirmTemplateId: env.WECHAT_TRANSFER_TEMPLATE_ID || undefined,
    sendName: env.REDPACK_SEND_NAME || undefined,
  };
}
