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
  /** The sandbox's clock in ms; tests inject their own. `POST /sandbox/clock` shifts it further. */
  clock: () => number;
}

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
  clock: Date.now,
};

export function withDefaults(partial: Partial<SandboxOptions> = {}): SandboxOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...DEFAULTS, ...defined };
}

/** Options from the environment, as `sandbox/main.ts` reads them. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): Partial<SandboxOptions> {
  const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  return {
    appId: nonEmpty(env.WECHAT_APPID),
    appSecret: nonEmpty(env.WECHAT_APPSECRET),
    token: nonEmpty(env.WECHAT_TOKEN),
    encodingAesKey: nonEmpty(env.WECHAT_ENCODING_AES_KEY),
    callbackUrl: nonEmpty(env.CALLBACK_URL),
    originalId: nonEmpty(env.WECHAT_ORIGINAL_ID),
    accountName: nonEmpty(env.WECHAT_ACCOUNT_NAME),
    templateIds: nonEmpty(env.WECHAT_TEMPLATE_IDS)?.split(',').map((s) => s.trim()).filter(Boolean),
  };
}
