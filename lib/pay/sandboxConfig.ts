import { payConfigFromEnv, type PayConfigInput } from './config';

/**
 * Local development only. The sandbox (sandbox/pay-*.ts) makes its own WeChat Pay key pair at start
 * and, when no merchant key was given to it, a dev merchant key pair too; it hands them out at
 * `GET /sandbox/pay/keys`. Taking keys from whoever answers a URL would let that party impersonate
 * WeChat Pay, so this refuses anything but a loopback address.
 */
export async function payConfigFromSandbox(sandboxUrl: string, fetchImpl: typeof fetch = fetch): Promise<PayConfigInput> {
  const base = new URL(sandboxUrl);
  if (!['localhost', '127.0.0.1', '[::1]'].includes(base.hostname)) throw new Error(`pay configuration: sandbox keys are only taken from a loopback address, not ${base.hostname}`);
  const res = await fetchImpl(new URL('/sandbox/pay/keys', base), { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`pay configuration: ${base.origin}/sandbox/pay/keys answered HTTP ${res.status}`);
  const k = (await res.json()) as Record<string, unknown>;
  const str = (name: string) => {
    const v = k[name];
    if (typeof v !== 'string' || !v) throw new Error(`pay configuration: the sandbox gave no ${name} (was it started with a merchant public key of its own?)`);
    return v;
  };
  return {
    mchid: str('mchid'),
    appid: str('appid'),
    merchantSerial: str('merchantSerial'),
    merchantPrivateKeyPem: str('merchantPrivateKeyPem'),
    platformPublicKeyId: str('platformPublicKeyId'),
    platformPublicKeyPem: str('platformPublicKeyPem'),
    apiV3Key: str('apiV3Key'),
    v2Key: str('v2Key'),
    baseUrl: base.origin,
    ...(typeof k.notifyUrl === 'string' && k.notifyUrl ? { notifyUrl: k.notifyUrl } : {}),
  };
}

/**
 * The configuration a handler uses: from the environment when WECHATPAY_MCHID is set; else, when
 * WECHATPAY_SANDBOX_KEYS=true (local stack only), from the sandbox at WECHATPAY_BASE; else undefined.
 */
export async function loadPayConfig(env: NodeJS.ProcessEnv, fetchImpl: typeof fetch = fetch): Promise<PayConfigInput | undefined> {
  const fromEnv = payConfigFromEnv(env);
  if (fromEnv) return fromEnv;
  if (env.WECHATPAY_SANDBOX_KEYS !== 'true') return undefined;
  if (!env.WECHATPAY_BASE) throw new Error('pay configuration: WECHATPAY_SANDBOX_KEYS needs WECHATPAY_BASE (the sandbox URL)');
  return payConfigFromSandbox(env.WECHATPAY_BASE, fetchImpl);
}
