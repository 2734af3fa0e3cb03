import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * WeChat's message encryption (WXBizMsgCrypt): AES-256-CBC with IV = key[0..16], PKCS#7 padded to a
 * multiple of 32 bytes (not AES's 16), plaintext = 16 random bytes | uint32 BE length | message | appid.
 */
const BLOCK = 32;

export class WeChatCryptoError extends Error {
  constructor(readonly reason: 'bad-key' | 'bad-ciphertext' | 'bad-padding' | 'bad-length' | 'appid-mismatch') {
    super(`wechat crypto: ${reason}`);
  }
}

export function decodeAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WeChatCryptoError('bad-key');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WeChatCryptoError('bad-key');
  return key;
}

function pad(buf: Buffer): Buffer {
  const n = BLOCK - (buf.length % BLOCK);
  return Buffer.concat([buf, Buffer.alloc(n, n)]);
}

/** PKCS#7 as WXBizMsgCrypt writes it: every one of the `n` padding bytes is `n`, or the ciphertext was altered. */
function unpad(buf: Buffer): Buffer {
  const n = buf[buf.length - 1] ?? 0;
  if (n < 1 || n > BLOCK || n > buf.length) throw new WeChatCryptoError('bad-padding');
  for (let i = buf.length - n; i < buf.length; i++) if (buf[i] !== n) throw new WeChatCryptoError('bad-padding');
  return buf.subarray(0, buf.length - n);
}

export function encryptMessage(key: Buffer, appId: string, message: string, random: Buffer = randomBytes(16)): string {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const plain = pad(Buffer.concat([random, len, msg, Buffer.from(appId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface Decrypted {
  message: string;
  appId: string;
}

export function decryptMessage(key: Buffer, encrypted: string): Decrypted {
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new WeChatCryptoError('bad-ciphertext');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = unpad(Buffer.concat([decipher.update(data), decipher.final()]));
  } catch (err) {
    if (err instanceof WeChatCryptoError) throw err;
    throw new WeChatCryptoError('bad-ciphertext');
  }
  if (plain.length < 20) throw new WeChatCryptoError('bad-length');
  const len = plain.readUInt32BE(16);
  if (20 + len > plain.length) throw new WeChatCryptoError('bad-length');
  return {
    message: plain.subarray(20, 20 + len).toString('utf8'),
    appId: plain.subarray(20 + len).toString('utf8'),
  };
}

/**
 * Tries the current key, then the previous one: during an EncodingAESKey rotation WeChat may still
 * encrypt with the old key for a while. The appid tail is checked for each.
 */
export function decryptWithRotation(keys: readonly Buffer[], appId: string, encrypted: string): string {
  let lastError: unknown;
  // A key that decrypts to another appid is the finding that matters: the other key's padding
  // error must not hide it.
  let foreignAppId = false;
  for (const key of keys) {
    try {
      const out = decryptMessage(key, encrypted);
      if (out.appId === appId) return out.message;
      foreignAppId = true;
    } catch (err) {
      lastError = err;
    }
  }
  throw foreignAppId ? new WeChatCryptoError('appid-mismatch') : (lastError ?? new WeChatCryptoError('bad-ciphertext'));
}
