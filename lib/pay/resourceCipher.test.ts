import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decryptResource, encryptResource } from './resourceCipher';

const KEY = '0123456789abcdefghijklmnopqrstuv';

test('a vector made with wechatpay-axios-plugin (an independent AEAD_AES_256_GCM implementation)', () => {
  const ciphertext = 'kdUw5hwycaoroLH4oNh4k1WwMiU9F2Q8cYwJj5q0ViNn3zYwf43CRfuawqWxJPG6uG7uN6NN9svCaKvVpmD0xVid';
  const opened = decryptResource({ ciphertext, nonce: 'fdasflkja484', associatedData: 'mch_payment' }, KEY);
  assert.deepEqual(opened, { ok: true, plaintext: '{"out_bill_no":"plfk2020042013","state":"SUCCESS"}' });
  assert.equal(encryptResource('{"out_bill_no":"plfk2020042013","state":"SUCCESS"}', KEY, 'fdasflkja484', 'mch_payment').ciphertext, ciphertext);
});

const nonceArb = fc.string({ minLength: 12, maxLength: 12, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') });

test('property: encrypt then decrypt gives the plaintext back', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), nonceArb, fc.string(), (plain, nonce, aad) => {
      const sealed = encryptResource(plain, KEY, nonce, aad);
      assert.deepEqual(decryptResource(sealed, KEY), { ok: true, plaintext: plain });
    }),
  );
});

test('property: any single flipped byte of ciphertext or tag is refused (the GCM tag is checked)', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', minLength: 0, maxLength: 64 }),
      nonceArb,
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (plain, nonce, at, flip) => {
        const sealed = encryptResource(plain, KEY, nonce, 'mch_payment');
        const bytes = Buffer.from(sealed.ciphertext, 'base64');
        bytes[at % bytes.length]! ^= flip;
        const opened = decryptResource({ ...sealed, ciphertext: bytes.toString('base64') }, KEY);
        assert.equal(opened.ok, false);
      },
    ),
  );
});

test('property: a changed nonce or associated data is refused too', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 64 }), nonceArb, nonceArb, fc.string(), fc.string(), (plain, nonce, otherNonce, aad, otherAad) => {
      const sealed = encryptResource(plain, KEY, nonce, aad);
      if (otherNonce !== nonce) assert.equal(decryptResource({ ...sealed, nonce: otherNonce }, KEY).ok, false);
      if (otherAad !== aad) assert.equal(decryptResource({ ...sealed, associatedData: otherAad }, KEY).ok, false);
    }),
  );
});

test('a truncated tag, the wrong key or non-base64 are refused', () => {
  const sealed = encryptResource('{"a":1}', KEY, 'fdasflkja484', 'mch_payment');
  const bytes = Buffer.from(sealed.ciphertext, 'base64');
  // Node's GCM would accept a 4-byte tag if asked to; the whole 16 bytes must be there and match.
  assert.equal(decryptResource({ ...sealed, ciphertext: bytes.subarray(0, bytes.length - 12).toString('base64') }, KEY).ok, false);
  assert.equal(decryptResource({ ...sealed, ciphertext: bytes.subarray(0, 10).toString('base64') }, KEY).ok, false);
  assert.equal(decryptResource(sealed, 'vutsrqponmlkjihgfedcba9876543210').ok, false);
  assert.equal(decryptResource({ ...sealed, ciphertext: 'not base64!' }, KEY).ok, false);
  assert.equal(decryptResource(sealed, 'short').ok, false);
});
