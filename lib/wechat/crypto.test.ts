import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAesKey, decryptMessage, decryptWithRotation, encryptMessage, WeChatCryptoError } from './crypto';
import { isInsideReplayWindow, isSameSignature, signParts } from './signature';

// Vectors from DESIGN.md (public, checked).
test('signature vector: token AAAAA', () => {
  assert.equal(signParts(['AAAAA', '1714036504', '1514711492']), 'f464b24fc39322e44b38aa78f5edd27bd1441696');
});

test('encrypt vector: spamtest key, fixed random prefix', () => {
  const key = decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
  const enc = encryptMessage(key, 'wxb11529c136998cb6', '我是中文abcd123', Buffer.from('aaaabbbbccccdddd'));
  assert.equal(enc, 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
  assert.deepEqual(decryptMessage(key, enc), { message: '我是中文abcd123', appId: 'wxb11529c136998cb6' });
});

test('padding goes to a multiple of 32 bytes, not 16', () => {
  const key = decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
  for (const len of [0, 1, 11, 12, 13, 27, 28, 44, 60]) {
    const raw = Buffer.from(encryptMessage(key, 'wx', 'x'.repeat(len)), 'base64');
    assert.equal(raw.length % 32, 0, `message length ${len}`);
  }
});

test('round trip for any message and appid (property)', () => {
  const key = decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.stringMatching(/^wx[0-9a-f]{16}$/), (msg, appId) => {
      assert.equal(decryptWithRotation([key], appId, encryptMessage(key, appId, msg)), msg);
    }),
    { numRuns: 300 },
  );
});

test('rotation: the previous key still opens messages; a foreign appid is refused', () => {
  const oldKey = decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
  const newKey = decodeAesKey('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut');
  const enc = encryptMessage(oldKey, 'wxapp', 'hello');
  assert.equal(decryptWithRotation([newKey, oldKey], 'wxapp', enc), 'hello');
  assert.throws(() => decryptWithRotation([newKey], 'wxapp', enc), WeChatCryptoError);
  assert.throws(() => decryptWithRotation([oldKey], 'wxother', enc), (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'appid-mismatch');
});

test('tampered or truncated ciphertext never throws anything but WeChatCryptoError (property)', () => {
  const key = decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
  const enc = Buffer.from(encryptMessage(key, 'wxapp', 'a message long enough to span blocks'), 'base64');
  fc.assert(
    fc.property(fc.nat(enc.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(enc.length), (i, x, cut) => {
      const bad = Buffer.from(enc);
      bad[i] = bad[i]! ^ x;
      for (const candidate of [bad, bad.subarray(0, cut)]) {
        try {
          decryptWithRotation([key], 'wxapp', candidate.toString('base64'));
        } catch (e) {
          assert.ok(e instanceof WeChatCryptoError, String(e));
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('EncodingAESKey must be 43 base64 characters', () => {
  assert.throws(() => decodeAesKey('short'), WeChatCryptoError);
  assert.throws(() => decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEF='), WeChatCryptoError);
});

test('signature comparison is exact and case-insensitive on hex', () => {
  const sig = signParts(['t', '1', '2']);
  assert.ok(isSameSignature(sig, sig));
  assert.ok(isSameSignature(sig, sig.toUpperCase()));
  assert.ok(!isSameSignature(sig, sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0')));
  assert.ok(!isSameSignature(sig, sig.slice(1)));
  assert.ok(!isSameSignature(sig, undefined));
});

test('replay window', () => {
  const now = 1_714_036_504_000;
  assert.ok(isInsideReplayWindow('1714036504', now, 300));
  assert.ok(isInsideReplayWindow('1714036204', now, 300));
  assert.ok(!isInsideReplayWindow('1714036203', now, 300));
  assert.ok(!isInsideReplayWindow('1714036805', now, 300));
  assert.ok(!isInsideReplayWindow('17140365040', now, 300));
  assert.ok(!isInsideReplayWindow('abc', now, 300));
  assert.ok(!isInsideReplayWindow(undefined, now, 300));
});

test('rotation: a push for another appid is an appid mismatch even when the other key fails to decrypt', () => {
  const current = decodeAesKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
  const previous = decodeAesKey('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut');
  for (let i = 0; i < 50; i++) {
    const enc = encryptMessage(current, 'wxforeign', `message ${i}`);
    assert.throws(() => decryptWithRotation([current, previous], 'wxapp', enc), (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'appid-mismatch');
  }
});
