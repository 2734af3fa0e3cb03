import type { Agent } from 'node:https';

/**
 * Everything the WeChat Pay client needs. Keys are PEM text; nothing here is ever logged. Public-key
 * mode only (`PUB_KEY_ID_…`): new merchants get no platform certificates, so none are supported.
 */
export interface PayConfig {
  /** 商户号. */
  mchid: string;
  /** The official account's AppID the openids belong to. */
  appid: string;
  /** Serial number of the merchant API certificate (40 hex digits); goes into every Authorization header. */
  merchantSerial: string;
  /** apiclient_key.pem: signs every v3 request; also the TLS key for v2 when `merchantCertPem` is set. */
  merchantPrivateKeyPem: string;
  /** WeChat Pay public key id, `PUB_KEY_ID_…`: the only serial a response or callback may carry. */
  platformPublicKeyId: string;
  /** WeChat Pay public key (SPKI PEM): verifies responses and callbacks, encrypts sensitive fields. */
  platformPublicKeyPem: string;
  /** APIv3 key, 32 bytes: decrypts callback resources (AES-256-GCM). */
  apiV3Key: string;
  /** APIv2 key (32 characters): signs the XML of the classic red-packet API. */
  v2Key: string;
  /** https://api.mch.weixin.qq.com, or the local sandbox. */
  baseUrl: string;
  timeoutMs: number;
  /** Default callback URL for transfer bills (a call may name its own). */
  notifyUrl?: string;
  /** The caller's IP, reported as `client_ip` in sendredpack (the NAT gateway's Elastic IP in AWS). */
  clientIp: string;
  /**
   * v2 red packets need mutual TLS with the merchant API certificate (apiclient_cert.pem; its key is
   * `merchantPrivateKeyPem`). Used only for https base URLs; the sandbox speaks plain HTTP.
   */
  merchantCertPem?: string;
  /** A ready TLS agent for v2 instead of `merchantCertPem` (e.g. from a PKCS#12 file). */
  v2Agent?: Agent;
  /** Milliseconds; signs requests and bounds the clock skew of responses and callbacks. */
  clock?: () => number;
  fetch?: typeof fetch;
}

/** What a caller must give; the rest has defaults. */
export type PayConfigInput = Omit<PayConfig, 'baseUrl' | 'timeoutMs' | 'clientIp'> & Partial<Pick<PayConfig, 'baseUrl' | 'timeoutMs' | 'clientIp'>>;

export const PRODUCTION_BASE_URL = 'https://api.mch.weixin.qq.com';
const DEFAULT_TIMEOUT_MS = 10_000;

export function withPayDefaults(input: PayConfigInput): PayConfig {
  if (Buffer.byteLength(input.apiV3Key, 'utf8') !== 32) throw new Error('pay configuration: the APIv3 key must be 32 bytes');
  if (!/^PUB_KEY_ID_\w+$/.test(input.platformPublicKeyId)) throw new Error('pay configuration: the platform public key id must look like PUB_KEY_ID_…');
  return {
    ...input,
    baseUrl: (input.baseUrl || PRODUCTION_BASE_URL).replace(/\/+$/, ''),
    timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    clientIp: input.clientIp ?? '127.0.0.1',
  };
}

const REQUIRED = [
  'WECHATPAY_MCHID',
  'WECHATPAY_MERCHANT_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_V2_KEY',
] as const;

/**
 * The configuration from the environment, or undefined when WeChat Pay is not configured at all
 * (no WECHATPAY_MCHID). A half-filled configuration throws naming what is missing: a payout that
 * silently does nothing is worse than a function that does not start.
 */
export function payConfigFromEnv(env: NodeJS.ProcessEnv): PayConfigInput | undefined {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  if (!get('WECHATPAY_MCHID')) return undefined;
  const missing = REQUIRED.filter((name) => !get(name));
  const appid = get('WECHATPAY_APPID') ?? get('WECHAT_APPID');
  if (!appid) missing.push('WECHATPAY_APPID' as never);
  if (missing.length) throw new Error(`pay configuration: ${missing.join(', ')} not set`);
  const timeout = get('WECHATPAY_TIMEOUT_MS');
  return {
    mchid: get('WECHATPAY_MCHID')!,
    appid: appid!,
    merchantSerial: get('WECHATPAY_MERCHANT_SERIAL')!,
    merchantPrivateKeyPem: pem(get('WECHATPAY_PRIVATE_KEY')!),
    platformPublicKeyId: get('WECHATPAY_PUBLIC_KEY_ID')!,
    platformPublicKeyPem: pem(get('WECHATPAY_PUBLIC_KEY')!),
    apiV3Key: get('WECHATPAY_APIV3_KEY')!,
    v2Key: get('WECHATPAY_V2_KEY')!,
    baseUrl: get('WECHATPAY_BASE'),
    timeoutMs: timeout ? Number(timeout) : undefined,
    notifyUrl: get('WECHATPAY_NOTIFY_URL'),
    clientIp: get('WECHATPAY_CLIENT_IP'),
    merchantCertPem: get('WECHATPAY_CLIENT_CERT') && pem(get('WECHATPAY_CLIENT_CERT')!),
  };
}

/** PEM kept in one-line env values (SSM, .env) with literal `\n`s. */
function pem(value: string): string {
  return value.includes('\\n') ? value.replaceAll('\\n', '\n') : value;
}
