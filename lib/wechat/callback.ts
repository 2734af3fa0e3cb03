import { randomBytes } from 'node:crypto';
import { decryptWithRotation, encryptMessage, WeChatCryptoError } from './crypto';
import { InboundFormatError, toInboundMessage, type InboundMessage } from './message';
import { isInsideReplayWindow, isSameSignature, signParts } from './signature';
import { buildXml, parseXml, XmlError } from './xml';

export interface CallbackSecrets {
  token: string;
  appId: string;
  /** Current EncodingAESKey first, then the previous one (rotation). Empty when only plain mode is used. */
  aesKeys: Buffer[];
  /** The message mode set on the account: pushes in a weaker mode are refused (no downgrade through the query). */
  messageMode: MessageMode;
}

/**
 * The account's message encryption setting in WeChat's console: 明文 (plain), 兼容 (compat: plain
 * and encrypted fields side by side, during a switch) or 安全 (safe: encrypted only).
 */
export type MessageMode = 'plain' | 'compat' | 'safe';
export const MESSAGE_MODES: readonly MessageMode[] = ['plain', 'compat', 'safe'];

/** Whether a push that arrived in `pushed` is acceptable to an account configured for `configured`. */
export function acceptsPush(configured: MessageMode, pushed: Mode): boolean {
  return pushed === 'aes' || configured === 'plain' || configured === 'compat';
}

export interface CallbackLimits {
  replayWindowSeconds: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: CallbackLimits = { replayWindowSeconds: 300, maxBodyBytes: 64 * 1024 };

export type Query = Record<string, string | undefined>;
export type Mode = 'plain' | 'aes';

/** A refusal that maps to an HTTP status; `error` is safe to show (never a secret). */
export interface Refusal {
  ok: false;
  status: 400 | 401 | 413;
  error: string;
}

export type Opened = {
  ok: true;
  mode: Mode;
  message: InboundMessage;
  timestamp: string;
  nonce: string;
  /** The push's XML as read: decrypted in safe/compatible mode, the body itself in plain mode. */
  plaintext: string;
};

function refuse(status: Refusal['status'], error: string): Refusal {
  return { ok: false, status, error };
}

/** The server check WeChat sends when the callback URL is saved: answer echostr as is. */
export function verifyUrlCheck(query: Query, secrets: CallbackSecrets, nowMs: number, limits = DEFAULT_LIMITS): { ok: true; echostr: string } | Refusal {
  const { signature, timestamp, nonce, echostr } = query;
  if (!timestamp || !nonce || !signature || echostr === undefined) return refuse(400, 'missing signature, timestamp, nonce or echostr');
  if (!isSameSignature(signParts([secrets.token, timestamp, nonce]), signature)) return refuse(401, 'bad signature');
  if (!isInsideReplayWindow(timestamp, nowMs, limits.replayWindowSeconds)) return refuse(401, 'timestamp outside the replay window');
  return { ok: true, echostr };
}

/** Verifies, decrypts and parses a push. Nothing here has side effects. */
export function openPush(query: Query, body: string, secrets: CallbackSecrets, nowMs: number, limits = DEFAULT_LIMITS): Opened | Refusal {
  if (Buffer.byteLength(body, 'utf8') > limits.maxBodyBytes) return refuse(413, `body larger than ${limits.maxBodyBytes} bytes`);
  const { signature, timestamp, nonce } = query;
  if (!timestamp || !nonce || !signature) return refuse(400, 'missing signature, timestamp or nonce');
  if (!isSameSignature(signParts([secrets.token, timestamp, nonce]), signature)) return refuse(401, 'bad signature');
  if (!isInsideReplayWindow(timestamp, nowMs, limits.replayWindowSeconds)) return refuse(401, 'timestamp outside the replay window');
  const mode: Mode = query.encrypt_type === 'aes' ? 'aes' : 'plain';
  // The query is not signed: without this, dropping encrypt_type would turn safe mode into plain.
  if (!acceptsPush(secrets.messageMode, mode)) return refuse(401, `a ${mode} push to an account in ${secrets.messageMode} mode`);
  try {
    let plaintext = body;
    let xml = parseXml(body).value;
    if (mode === 'aes') {
      const encrypted = xml.Encrypt;
      if (typeof encrypted !== 'string' || !encrypted) return refuse(400, 'missing Encrypt');
      if (!isSameSignature(signParts([secrets.token, timestamp, nonce, encrypted]), query.msg_signature)) return refuse(401, 'bad msg_signature');
      if (secrets.aesKeys.length === 0) return refuse(400, 'encrypted push but no EncodingAESKey configured');
      plaintext = decryptWithRotation(secrets.aesKeys, secrets.appId, encrypted);
      xml = parseXml(plaintext).value;
    }
    return { ok: true, mode, message: toInboundMessage(xml), timestamp, nonce, plaintext };
  } catch (err) {
    if (err instanceof WeChatCryptoError) return refuse(err.reason === 'appid-mismatch' ? 401 : 400, `cannot decrypt: ${err.reason}`);
    if (err instanceof XmlError || err instanceof InboundFormatError) return refuse(400, `bad XML: ${err.message}`);
    throw err;
  }
}

/** Wraps a reply for the mode the push came in: encrypted and signed in safe/compatible mode. */
export function sealReply(replyXml: string, mode: Mode, secrets: CallbackSecrets, nowMs: number, nonce?: string): string {
  if (mode === 'plain' || replyXml === 'success' || replyXml === '') return replyXml;
  nonce ??= randomBytes(8).toString('hex');
  const key = secrets.aesKeys[0];
  if (!key) throw new Error('cannot encrypt a reply without an EncodingAESKey');
  return encryptEnvelope(key, secrets.token, secrets.appId, replyXml, String(Math.floor(nowMs / 1000)), nonce);
}

/** `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`, shared by replies and the sandbox's pushes. */
export function encryptEnvelope(key: Buffer, token: string, appId: string, xml: string, timestamp: string, nonce: string, random?: Buffer): string {
  const encrypt = encryptMessage(key, appId, xml, random);
  const msgSignature = signParts([token, timestamp, nonce, encrypt]);
  return buildXml({ Encrypt: encrypt, MsgSignature: msgSignature, TimeStamp: timestamp, Nonce: nonce });
}
