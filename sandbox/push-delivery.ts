import { randomInt } from 'node:crypto';
import { encryptMessage } from '../lib/wechat/crypto';
import { signParts } from '../lib/wechat/signature';
import { buildXml } from '../lib/wechat/xml';
import type { SandboxOptions } from './config';
import { withEncrypt } from './push-xml';
import { decodeReply, type DecodedReply, type PushMode } from './reply-decoder';

/**
 * One POST of a push to the app's callback, as WeChat makes it: `signature`, `timestamp`, `nonce`
 * and `openid` in the query; in safe/compatible mode also `encrypt_type=aes` and `msg_signature`,
 * with the message encrypted into `<Encrypt>`. WeChat gives up after 5 seconds.
 */
export interface PushAttempt {
  /** The callback's HTTP status; 0 when it never answered. */
  status: number;
  raw: string;
  reply: DecodedReply | null;
  error?: string;
  warnings: string[];
  query: Record<string, string>;
}

export interface PushTarget {
  options: SandboxOptions;
  aesKey: Buffer;
  now: () => number;
  openid: string;
  plainXml: string;
  mode: PushMode;
  pushKind: 'message' | 'event';
}

export async function deliverPush(t: PushTarget): Promise<PushAttempt> {
  const { options } = t;
  const timestamp = String(Math.floor(t.now() / 1000));
  const nonce = String(randomInt(100_000_000, 2_147_483_647));
  const query: Record<string, string> = { signature: signParts([options.token, timestamp, nonce]), timestamp, nonce, openid: t.openid };
  let body = t.plainXml;
  if (t.mode !== 'plain') {
    const encrypt = encryptMessage(t.aesKey, options.appId, t.plainXml);
    query.encrypt_type = 'aes';
    query.msg_signature = signParts([options.token, timestamp, nonce, encrypt]);
    body = t.mode === 'aes' ? buildXml({ ToUserName: options.originalId, Encrypt: encrypt }) : withEncrypt(t.plainXml, encrypt);
  }
  const url = new URL(options.callbackUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);

  let status = 0;
  let raw = '';
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', 'user-agent': 'Mozilla/4.0' },
      body,
      signal: AbortSignal.timeout(options.callbackTimeoutMs),
    });
    status = res.status;
    raw = await res.text();
  } catch (err) {
    const reason =
      (err as Error).name === 'TimeoutError' ? `no answer within ${options.callbackTimeoutMs} ms` : `cannot reach ${options.callbackUrl}: ${describe(err)}`;
    return { status, raw, reply: null, error: reason, warnings: [], query };
  }
  if (status < 200 || status > 299) return { status, raw, reply: null, error: `callback answered HTTP ${status}`, warnings: [], query };
  const decoded = decodeReply(raw, {
    mode: t.mode,
    token: options.token,
    appId: options.appId,
    aesKey: t.aesKey,
    openid: t.openid,
    originalId: options.originalId,
    pushKind: t.pushKind,
  });
  return { status, raw, query, ...decoded };
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
