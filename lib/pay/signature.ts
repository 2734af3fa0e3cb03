import { createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * APIv3 signatures (WECHATPAY2-SHA256-RSA2048): SHA256withRSA (PKCS#1 v1.5) over a few lines, each
 * ending in `\n`. Requests sign method, path-and-query, timestamp, nonce and body; responses and
 * callbacks sign timestamp, nonce and body.
 */
export const SIGNATURE_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** WeChat Pay's bound on clock skew for responses and callbacks. */
export const MAX_SKEW_SECONDS = 300;

export function requestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export function rsaSign(message: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

export function rsaVerify(message: string, signatureBase64: string, publicKey: KeyObject): boolean {
  // A base64 check first: Node decodes garbage leniently, and a test signature WeChat sends on
  // purpose (`WECHATPAY/SIGNTEST/…`) must fail, not throw.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signatureBase64, 'base64');
  } catch {
    return false;
  }
}

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 32 random characters, as WeChat Pay's own SDKs make them. */
export function newNonce(): string {
  return Array.from(randomBytes(32), (b) => NONCE_CHARS[b % NONCE_CHARS.length]).join('');
}

export interface AuthorizationParts {
  mchid: string;
  serialNo: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

export function authorizationHeader(p: AuthorizationParts): string {
  return `${SIGNATURE_SCHEME} mchid="${p.mchid}",nonce_str="${p.nonce}",signature="${p.signature}",timestamp="${p.timestamp}",serial_no="${p.serialNo}"`;
}

/** Looks a header up by name, whatever its case; the first value when it repeats. */
export type HeaderLookup = (name: string) => string | undefined;

export function headerLookup(headers: Headers | Record<string, string | string[] | undefined>): HeaderLookup {
  if (typeof (headers as Headers).get === 'function') return (name) => (headers as Headers).get(name) ?? undefined;
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && !lower.has(k.toLowerCase())) lower.set(k.toLowerCase(), value);
  }
  return (name) => lower.get(name.toLowerCase());
}

export interface VerifyKey {
  publicKeyId: string;
  publicKey: KeyObject;
}

export type Verified = { ok: true } | { ok: false; error: string };

/**
 * Checks a response or callback from WeChat Pay: the key id it names must be ours, its timestamp
 * inside ±300 s of our clock (a replayed old message fails), and the signature must cover exactly
 * these bytes.
 */
export function verifyWechatpaySignature(headers: HeaderLookup, body: string, key: VerifyKey, nowMs: number): Verified {
  const serial = headers('wechatpay-serial');
  const timestamp = headers('wechatpay-timestamp');
  const nonce = headers('wechatpay-nonce');
  const signature = headers('wechatpay-signature');
  if (!serial || !timestamp || !nonce || !signature) return { ok: false, error: 'Wechatpay-Serial, -Timestamp, -Nonce and -Signature headers are required' };
  if (serial !== key.publicKeyId) return { ok: false, error: `signed with ${serial}, not with the configured public key ${key.publicKeyId}` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, error: 'Wechatpay-Timestamp is not a number of seconds' };
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > MAX_SKEW_SECONDS) return { ok: false, error: `Wechatpay-Timestamp is ${Math.round(skew)} s away from our clock (at most ${MAX_SKEW_SECONDS} s)` };
  if (!rsaVerify(responseMessage(timestamp, nonce, body), signature, key.publicKey)) return { ok: false, error: 'Wechatpay-Signature does not verify' };
  return { ok: true };
}
