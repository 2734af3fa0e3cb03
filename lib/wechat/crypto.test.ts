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
  assert.throws(
    () => decryptWithRotation([oldKey], 'wxother', enc),
    (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'appid-mismatch',
  );
});

/**
 * What a tamper with the ciphertext must do, from WeChat's plaintext layout
 * (16 random | uint32 length | message | appid | PKCS#7 padding to 32) and how AES-CBC decrypts:
 * flipping ciphertext byte i garbles plaintext block ⌊i/16⌋ and flips plaintext byte i+16. A tamper
 * that reaches the length, the appid or the padding must be refused; one that only reaches the
 * random prefix and the message cannot be told by AES-CBC (msg_signature is what guards those) and
 * must yield a different message. No tamper may ever decrypt to the original message.
 */
const KEY43 = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
type Tamper = { t: 'flip'; at: number; mask: number } | { t: 'truncate'; to: number } | { t: 'append'; bytes: number[] } | { t: 'otherKey' };

function outcome(key: Buffer, appId: string, ciphertext: Buffer): { refused: WeChatCryptoError['reason'] } | { message: string } {
  try {
    return { message: decryptWithRotation([key], appId, ciphertext.toString('base64')) };
  } catch (e) {
    assert.ok(e instanceof WeChatCryptoError, `only WeChatCryptoError, not ${String(e)}`);
    return { refused: e.reason };
  }
}

test('a tampered ciphertext is refused wherever it reaches the length, appid or padding, and never decrypts to the original (property)', () => {
  const key = decodeAesKey(KEY43);
  const tally = { refused: 0, garbled: 0 };
  const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('truncate' as const), to: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({ t: fc.constant('append' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 48 }) }),
    },
    { weight: 1, arbitrary: fc.constant({ t: 'otherKey' as const }) },
  );
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 80 }).filter((s) => !s.includes('\uFFFD')),
      fc.stringMatching(/^wx[0-9a-f]{16}$/),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      tamperArb,
      (message, appId, random, tamper) => {
        const good = Buffer.from(encryptMessage(key, appId, message, Buffer.from(random)), 'base64');
        const msgLen = Buffer.byteLength(message, 'utf8');
        let bad: Buffer;
        let mustRefuse: boolean;
        switch (tamper.t) {
          case 'flip': {
            const i = tamper.at % good.length;
            bad = Buffer.from(good);
            bad[i] = bad[i]! ^ tamper.mask;
            const block = Math.floor(i / 16);
            const touched = [...Array.from({ length: 16 }, (_, k) => block * 16 + k), i + 16].filter((p) => p < good.length);
            mustRefuse = touched.some((p) => (p >= 16 && p < 20) || p >= 20 + msgLen);
            break;
          }
          case 'truncate':
            bad = good.subarray(0, tamper.to % good.length);
            mustRefuse = true;
            break;
          case 'append':
            bad = Buffer.concat([good, Buffer.from(tamper.bytes)]);
            mustRefuse = true;
            break;
          case 'otherKey':
            bad = Buffer.from(encryptMessage(decodeAesKey('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut'), appId, message, Buffer.from(random)), 'base64');
            mustRefuse = true;
            break;
        }
        const got = outcome(key, appId, bad);
        if ('message' in got) assert.notEqual(got.message, message, `${JSON.stringify(tamper)} decrypted to the original`);
        if (mustRefuse) assert.ok('refused' in got, `${JSON.stringify(tamper)} on a ${good.length}-byte ciphertext (message ${msgLen} bytes) was not refused`);
        else assert.ok('message' in got, `${JSON.stringify(tamper)} only reaches the message: AES-CBC cannot tell, so it decrypts (to another message)`);
        tally['refused' in got ? 'refused' : 'garbled']++;
      },
    ),
    { seed: 0x5eed_0c0d, numRuns: 3000 },
  );
  // Both branches ran many times: the property is not vacuously true.
  assert.ok(tally.refused > 1500 && tally.garbled > 200, JSON.stringify(tally));
});

test('padding is checked byte by byte: a flip that only reaches a padding byte other than the last is refused', () => {
  const key = decodeAesKey(KEY43);
  // 16 random + 4 length + 0 message + 2 appid = 22 bytes, padded with ten 0x0a to 32: one block.
  const good = Buffer.from(encryptMessage(key, 'wx', '', Buffer.alloc(16, 7)), 'base64');
  assert.equal(good.length, 32);
  for (let padByte = 22; padByte < 31; padByte++) {
    // Ciphertext byte padByte-16 lies in the first block: it garbles only the random prefix and flips plaintext byte padByte.
    const bad = Buffer.from(good);
    bad[padByte - 16] = bad[padByte - 16]! ^ 0x40;
    assert.deepEqual(outcome(key, 'wx', bad), { refused: 'bad-padding' }, `padding byte ${padByte}`);
  }
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
    assert.throws(
      () => decryptWithRotation([current, previous], 'wxapp', enc),
      (e: unknown) => e instanceof WeChatCryptoError && e.reason === 'appid-mismatch',
    );
  }
});
