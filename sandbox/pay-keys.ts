import { createPublicKey, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { SandboxOptions } from './config';

/**
 * Who the WeChat Pay stand-in is and whom it serves: its own platform key pair (public-key mode,
 * `PUB_KEY_ID_0114…`), the merchant's public key, the APIv3 and APIv2 keys. What the options leave
 * out is generated, so `npm start` needs no secret in the repository; the generated merchant private
 * key is handed out at `GET /sandbox/pay/keys`, which is why the sandbox is for local use only.
 */
export interface PayIdentity {
  mchid: string;
  appid: string;
  platformKey: KeyObject;
  platformPublicKeyPem: string;
  platformPublicKeyId: string;
  merchantPublicKey: KeyObject;
  merchantPublicKeyPem: string;
  merchantSerial: string;
  /** Only when the sandbox made the merchant key itself. */
  merchantPrivateKeyPem?: string;
  apiV3Key: string;
  v2Key: string;
  notifyUrl: string;
}

export function makePayIdentity(options: SandboxOptions): PayIdentity {
  const pay = options.pay;
  const platform = rsaPair();
  const dev = pay.merchantPublicKeyPem ? undefined : rsaPair();
  const merchantPublicKeyPem = pay.merchantPublicKeyPem ?? dev!.publicPem;
  return {
    mchid: pay.mchid,
    appid: pay.appid ?? options.appId,
    platformKey: platform.privateKey,
    platformPublicKeyPem: platform.publicPem,
    platformPublicKeyId: `PUB_KEY_ID_0114${digits(24)}`,
    merchantPublicKey: createPublicKey(merchantPublicKeyPem),
    merchantPublicKeyPem,
    merchantSerial: pay.merchantSerial ?? randomBytes(20).toString('hex').toUpperCase(),
    ...(dev ? { merchantPrivateKeyPem: dev.privatePem } : {}),
    apiV3Key: pay.apiV3Key ?? alnum(32),
    v2Key: pay.v2Key ?? alnum(32),
    notifyUrl: pay.notifyUrl,
  };
}

/** `GET /sandbox/pay/keys`: what a local handler needs to talk to this sandbox (lib/pay payConfigFromSandbox). */
export function keysView(id: PayIdentity) {
  return {
    localUseOnly: true,
    mchid: id.mchid,
    appid: id.appid,
    platformPublicKeyId: id.platformPublicKeyId,
    platformPublicKeyPem: id.platformPublicKeyPem,
    merchantSerial: id.merchantSerial,
    merchantPublicKeyPem: id.merchantPublicKeyPem,
    merchantPrivateKeyPem: id.merchantPrivateKeyPem ?? null,
    apiV3Key: id.apiV3Key,
    v2Key: id.v2Key,
    notifyUrl: id.notifyUrl,
  };
}

function rsaPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function digits(n: number): string {
  return Array.from({ length: n }, () => String(randomInt(10))).join('');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function alnum(n: number): string {
  return Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');
}
