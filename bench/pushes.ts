/**
 * Pre-built, signed follower pushes, shared by both sides of every comparison. Each push has its own
 * MsgId (beyond 2^53, as WeChat sends them), so dedup never short-circuits unless a row says so.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { callbackSecrets, readConfig } from '../lib/config/config';
import { decryptWithRotation } from '../lib/wechat/crypto';
import type { CallbackSecrets, Mode } from '../lib/wechat/callback';
import { parseXml } from '../lib/wechat/xml';
import { pushEvent, textXml } from '../tests/support/pushes';
import { TEST_CONFIG } from '../tests/support/testTable';

/** What every benchmarked follower types: the demo's "hours" rule answers it (a `contains` rule behind two regex rules). */
export const BENCH_TEXT = '请问营业时间？';

export interface Push {
  event: APIGatewayProxyEventV2;
  query: Record<string, string>;
  body: string;
  bodyBuffer: Buffer;
}

/** The secrets our callback derives from TEST_CONFIG (current EncodingAESKey, no previous one). */
export function benchSecrets(): CallbackSecrets {
  return callbackSecrets(readConfig({ ...TEST_CONFIG }));
}

/**
 * Each push's nonce: a random start, then one more per push, so no two pushes of a process share
 * timestamp + nonce (the callback's replay record would refuse the second with 401; random nonces
 * collide now and then among thousands signed in the same second).
 */
let nonceSeq = randomBytes(4).readUInt32BE(0);
const nextNonce = () => {
  nonceSeq = (nonceSeq + 1) >>> 0;
  return String(nonceSeq);
};

export interface PushOptions {
  /** How many distinct followers send them, in turn (1,000). */
  followers?: number;
  /** The first push comes from the `from`th of them (0): a later batch of the same stream goes on where the last stopped. */
  from?: number;
  /** Follower numbers start here (0): streams with different numbers have no follower in common. */
  firstFollower?: number;
  text?: string;
}

/** `count` pushes from `followers` distinct openids, in plain or safe (aes) mode. */
export function buildPushes(count: number, mode: Mode, { followers = 1000, from = 0, firstFollower = 0, text = BENCH_TEXT }: PushOptions = {}): Push[] {
  const out: Push[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const openid = `oBench${String(firstFollower + ((from + i) % followers)).padStart(22, '0')}`; // 28 chars, like a real openid
    const event = pushEvent(textXml(openid, text), mode, { nonce: nextNonce() });
    const body = event.body ?? '';
    out[i] = { event, query: event.queryStringParameters as Record<string, string>, body, bodyBuffer: Buffer.from(body, 'utf8') };
  }
  return out;
}

/** The plaintext reply XML inside a callback answer (decrypting the safe-mode envelope). */
export function replyPlaintext(body: string, mode: Mode, secrets: CallbackSecrets = benchSecrets()): string {
  if (mode === 'plain' || body === 'success' || body === '') return body;
  const encrypt = parseXml(body).value.Encrypt;
  if (typeof encrypt !== 'string') throw new Error(`no Encrypt in reply: ${body.slice(0, 200)}`);
  return decryptWithRotation(secrets.aesKeys, secrets.appId, encrypt);
}

/** Throws unless the answer carries a text reply with `expected` in it. */
export function assertReply(label: string, body: string, mode: Mode, expected: string): void {
  const plain = replyPlaintext(body, mode);
  if (!plain.includes(expected) || !plain.includes('<MsgType><![CDATA[text]]></MsgType>')) {
    throw new Error(`${label}: unexpected reply ${plain.slice(0, 300)}`);
  }
}
