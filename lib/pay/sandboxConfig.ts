import type { PayKeySource } from '../config/pay';
import type { PayConfigInput } from './config';

/**
 * Local development only. The sandbox (sandbox/pay-*.ts) makes its own WeChat Pay key pair at start
 * and, when no merchant key was given to it, a dev merchant key pair too; it hands them out at
 * `GET /sandbox/pay/keys`. Taking keys from whoever answers a URL would let that party impersonate
 * WeChat Pay, so this refuses anything but a loopback address.
 */
export async function payConfigFromSandbox(sandboxUrl: string, fetchImpl: typeof fetch = fetch): Promise<PayConfigInput> {
  const base = new URL(sandboxUrl);
  if (!['localhost', '127.0.0.1', '[::1]'].includes(base.hostname))
    throw new Error(`pay configuration: sandbox keys are only taken from a loopback address, not ${base.hostname}`);
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
 * The configuration WeChat Pay's client is made from (lib/config/pay.ts says where the keys are):
 * the environment's keys, the local sandbox's, or undefined where WeChat Pay is not configured.
 */
export async function loadPayConfig(keys: PayKeySource, fetchImpl: typeof fetch = fetch): Promise<PayConfigInput | undefined> {
  switch (keys.kind) {
    case 'none':
      return undefined;
    case 'env':
      return keys.input;
    case 'sandbox':
      return payConfigFromSandbox(keys.url, fetchImpl);
    case 'invalid':
      throw new Error(keys.error);
  }
}
