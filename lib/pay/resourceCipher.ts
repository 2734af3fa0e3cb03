import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * AEAD_AES_256_GCM as WeChat Pay uses it for callback resources: key = the APIv3 key (32 bytes),
 * IV = the resource's `nonce` (12 characters), AAD = `associated_data`, ciphertext = base64 of the
 * encrypted bytes followed by the 16-byte authentication tag.
 */
export interface EncryptedResource {
  ciphertext: string;
  nonce: string;
  associatedData: string;
}

const TAG_BYTES = 16;

export function decryptResource(r: EncryptedResource, apiV3Key: string): { ok: true; plaintext: string } | { ok: false; error: string } {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) return { ok: false, error: 'the APIv3 key must be 32 bytes' };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(r.ciphertext)) return { ok: false, error: 'ciphertext is not base64' };
  const data = Buffer.from(r.ciphertext, 'base64');
  // Without a whole tag there is nothing to authenticate; GCM in Node would accept a short tag.
  if (data.length < TAG_BYTES) return { ok: false, error: 'ciphertext shorter than the authentication tag' };
  if (r.nonce.length === 0) return { ok: false, error: 'nonce is empty' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(r.nonce, 'utf8'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(r.associatedData, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
    return { ok: true, plaintext: plain.toString('utf8') };
  } catch {
    // final() throws when the tag does not match: a tampered ciphertext, nonce or AAD, or the wrong key.
    return { ok: false, error: 'resource failed authentication (AES-GCM tag mismatch)' };
  }
}

/** The inverse, for tests and tools; WeChat Pay is the only real producer of these. */
export function encryptResource(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): EncryptedResource {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext: data.toString('base64'), nonce, associatedData };
}
