import { messageModeOf } from '../lib/config/config';
import type { PushMode } from './reply-decoder';

/** What the sandbox pretends to be: one Official Account, its secrets, and where its callback lives. */
export interface SandboxOptions {
  appId: string;
  appSecret: string;
  /** The token configured for message push (signature). */
  token: string;
  /** The 43-character EncodingAESKey used in safe and compatible mode. */
  encodingAesKey: string;
  /** The app's callback URL: where follower pushes are POSTed. */
  callbackUrl: string;
  /** The account's original id (gh_…), sent as ToUserName in every push. */
  originalId: string;
  /** Shown at the top of the chat page. */
  accountName: string;
  /** WeChat waits 5 s for a passive reply. */
  callbackTimeoutMs: number;
  /** When set, template/send refuses other ids with 40037; when empty any id is accepted. */
  templateIds: string[];
  /**
   * The message encryption mode set on the account (plain, compat, or aes = safe mode): job events
   * (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH) use it, and so do follower pushes that name no mode.
   */
  pushMode: PushMode;
  /** template/send calls a sandbox day (Asia/Shanghai) before 45009. */
  templateDailyQuota: number;
  /** Mass messages a follower receives a calendar month (Asia/Shanghai); more are filtered. */
  massMonthlyQuota: number;
  /** Calls a second over custom/send, template/send and mass/send before 45011; 0 = no limit. */
  sendRatePerSecond: number;
  /** Whether TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH are posted to the callback. */
  jobEvents: boolean;
  /** The sandbox's clock in ms; tests inject their own. `POST /sandbox/clock` shifts it further. */
  clock: () => number;
  /** The WeChat Pay stand-in (sandbox/pay-*.ts): the merchant it serves. */
  pay: SandboxPayOptions;
}

/**
 * The merchant of the WeChat Pay stand-in. Keys left out are generated at the first pay request and
 * handed out at `GET /sandbox/pay/keys` (local use only: whoever can reach the sandbox gets them).
 */
export interface SandboxPayOptions {
  mchid: string;
  /** The AppID bound to the merchant; the account's `appId` when absent. */
  appid?: string;
  /** Verifies the merchant's request signatures; a dev key pair is generated when absent. */
  merchantPublicKeyPem?: string;
  /** The merchant certificate serial the Authorization header must name (generated when absent). */
  merchantSerial?: string;
  /** 32 bytes; encrypts callback resources (generated when absent). */
  apiV3Key?: string;
  /** 32 characters; checks APIv2 signatures (generated when absent). */
  v2Key?: string;
  /** Where MCHTRANSFER.BILL.FINISHED goes when a bill names no notify_url. */
  notifyUrl: string;
  /** The merchant's operating balance in fen: NOT_ENOUGH / NOTENOUGH beyond it. */
  balanceFen: number;
}

/** What `createSandbox` takes: any option, and any part of `pay`. */
export type SandboxOptionsInput = Partial<Omit<SandboxOptions, 'pay'>> & { pay?: Partial<SandboxPayOptions> };

export const DEFAULTS: SandboxOptions = {
  appId: 'wx1234567890abcdef',
  appSecret: 'sandbox-secret',
  token: 'sandbox-token',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  callbackUrl: 'http://localhost:3000/wechat',
  originalId: 'gh_5a4b3c2d1e0f',
  accountName: '沙箱公众号',
  callbackTimeoutMs: 5000,
  templateIds: [],
  pushMode: 'plain',
  templateDailyQuota: 100_000,
  massMonthlyQuota: 4,
  sendRatePerSecond: 0,
  jobEvents: true,
  clock: Date.now,
  pay: { mchid: '1900000109', notifyUrl: 'http://localhost:3000/pay/notify', balanceFen: 100_000_000 },
};

export function withDefaults(partial: SandboxOptionsInput = {}): SandboxOptions {
  const definedOnly = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return { ...DEFAULTS, ...definedOnly(partial), pay: { ...DEFAULTS.pay, ...definedOnly(partial.pay ?? {}) } };
}

/** Options from the environment, as `sandbox/main.ts` reads them. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): SandboxOptionsInput {
  const nonEmpty = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return {
    appId: nonEmpty(env.WECHAT_APPID),
    appSecret: nonEmpty(env.WECHAT_APPSECRET),
    token: nonEmpty(env.WECHAT_TOKEN),
    encodingAesKey: nonEmpty(env.WECHAT_ENCODING_AES_KEY),
    callbackUrl: nonEmpty(env.CALLBACK_URL),
    originalId: nonEmpty(env.WECHAT_ORIGINAL_ID),
    accountName: nonEmpty(env.WECHAT_ACCOUNT_NAME),
    templateIds: nonEmpty(env.WECHAT_TEMPLATE_IDS)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pushMode: pushModeFromEnv(nonEmpty(env.WECHAT_PUSH_MODE)) ?? accountPushMode(env),
    templateDailyQuota: countFromEnv('SANDBOX_TEMPLATE_DAILY_QUOTA', nonEmpty(env.SANDBOX_TEMPLATE_DAILY_QUOTA)),
    massMonthlyQuota: countFromEnv('SANDBOX_MASS_MONTHLY_QUOTA', nonEmpty(env.SANDBOX_MASS_MONTHLY_QUOTA)),
    sendRatePerSecond: countFromEnv('SANDBOX_SEND_RATE_PER_SECOND', nonEmpty(env.SANDBOX_SEND_RATE_PER_SECOND)),
    jobEvents: nonEmpty(env.SANDBOX_JOB_EVENTS) === undefined ? undefined : !['0', 'false', 'off', 'no'].includes(env.SANDBOX_JOB_EVENTS!.trim().toLowerCase()),
    // Keys are not read: the handlers take the sandbox's own from GET /sandbox/pay/keys.
    pay: { notifyUrl: nonEmpty(env.WECHATPAY_NOTIFY_URL) },
  };
}

function pushModeFromEnv(v: string | undefined): PushMode | undefined {
  if (v === undefined) return undefined;
  if (v !== 'plain' && v !== 'compat' && v !== 'aes') throw new Error(`WECHAT_PUSH_MODE must be plain, compat or aes, not ${JSON.stringify(v)}`);
  return v;
}

/**
 * With no WECHAT_PUSH_MODE, the sandbox pushes in the mode the handlers are configured for
 * (WECHAT_MESSAGE_MODE, safe by default when there is an EncodingAESKey), as WeChat would.
 */
function accountPushMode(env: NodeJS.ProcessEnv): PushMode | undefined {
  if (!env.WECHAT_MESSAGE_MODE?.trim() && !env.WECHAT_ENCODING_AES_KEY?.trim()) return undefined;
  const mode = messageModeOf(env);
  return mode === 'safe' ? 'aes' : mode;
}

function countFromEnv(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new Error(`${name} must be a whole number, not ${JSON.stringify(v)}`);
  return Number(v);
}
