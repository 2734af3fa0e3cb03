import { createHash, createHmac } from 'node:crypto';

/**
 * The APIv2 signature: parameters with a non-empty value, `sign` excluded, sorted by name (ASCII),
 * joined as `k=v&…`, then `&key=<APIv2 key>`; MD5 or HMAC-SHA256 (keyed with the APIv2 key), upper-case hex.
 * Values are signed as they are, before any XML escaping.
 */
export type V2SignType = 'MD5' | 'HMAC-SHA256';

export function v2SignString(params: Record<string, string | number | undefined>, key: string): string {
  const pairs = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`);
  return `${pairs.join('&')}&key=${key}`;
}

export function v2Sign(params: Record<string, string | number | undefined>, key: string, type: V2SignType = 'MD5'): string {
  const text = v2SignString(params, key);
  const digest = type === 'MD5' ? createHash('md5').update(text, 'utf8') : createHmac('sha256', key).update(text, 'utf8');
  return digest.digest('hex').toUpperCase();
}
