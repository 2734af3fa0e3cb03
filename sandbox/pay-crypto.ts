import { createCipheriv, createHash, createHmac, privateDecrypt, randomBytes, sign, verify, constants, type KeyObject } from 'node:crypto';

/**
 * WeChat Pay's cryptography as the sandbox speaks it, written apart from lib/pay on purpose: the
 * client is tested against this second implementation, so a misreading shared by both would have to
 * be made twice. Everything here follows WeChat Pay's published rules, not lib/pay's code.
 */

/** `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`. */
export function parseAuthorization(header: string | undefined): Record<string, string> | null {
  const m = /^WECHATPAY2-SHA256-RSA2048\s+(.+)$/.exec(header ?? '');
  if (!m) return null;
  const fields: Record<string, string> = {};
  for (const part of m[1]!.split(',')) {
    const kv = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (!kv) return null;
    fields[kv[1]!] = kv[2]!;
  }
  return fields;
}

/** Lines of the signed text, each followed by a line feed. */
const lines = (...parts: string[]) => parts.map((p) => `${p}\n`).join('');

export function verifyMerchantRequest(
  method: string,
  rawUrl: string,
  timestamp: string,
  nonce: string,
  body: string,
  signatureB64: string,
  merchantKey: KeyObject,
): boolean {
  try {
    return verify('sha256', Buffer.from(lines(method, rawUrl, timestamp, nonce, body)), merchantKey, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

export interface PlatformSignature {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature-Type': string;
}

/** The headers WeChat Pay puts on every answer and callback. */
export function platformSignature(body: string, nowMs: number, platformKey: KeyObject, publicKeyId: string): PlatformSignature {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(16).toString('hex').toUpperCase();
  const signature = sign('sha256', Buffer.from(lines(timestamp, nonce, body)), platformKey).toString('base64');
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature,
    'Wechatpay-Serial': publicKeyId,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** A callback resource: AES-256-GCM, 12-character nonce, ciphertext and tag concatenated in base64. */
export function sealResource(plaintext: string, apiV3Key: string, associatedData: string) {
  const nonce = randomBytes(9).toString('base64url').slice(0, 12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(associatedData));
  const sealed = Buffer.concat([cipher.update(Buffer.from(plaintext)), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: sealed.toString('base64'), associated_data: associatedData, nonce };
}

/** A sensitive field the merchant encrypted with the platform public key (RSA-OAEP, SHA-1). */
export function openSensitive(ciphertextB64: string, platformKey: KeyObject): string | null {
  try {
    return privateDecrypt({ key: platformKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertextB64, 'base64')).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}

/** APIv2 signature: non-empty fields but `sign`, in ASCII order, `k=v` joined by `&`, then `&key=`. */
export function v2Signature(fields: Record<string, string>, key: string, type: 'MD5' | 'HMAC-SHA256'): string {
  const names = Object.keys(fields).filter((n) => n !== 'sign' && fields[n] !== '');
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let text = '';
  for (const n of names) text += `${n}=${fields[n]}&`;
  text += `key=${key}`;
  const h = type === 'MD5' ? createHash('md5') : createHmac('sha256', key);
  return h.update(text).digest('hex').toUpperCase();
}
