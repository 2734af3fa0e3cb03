import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_LIMITS, encryptEnvelope, openPush, sealReply, verifyUrlCheck, type CallbackSecrets, type Query } from './callback';
import { decodeAesKey, decryptMessage, encryptMessage } from './crypto';
import { parseXml } from './xml';

const SEED = 0x5eed_0004;
const TOKEN = 'unit-token';
const APPID = 'wx1234567890abcdef';
const NEW_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const OLD_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const NOW = 1_714_036_504_000;
const TS = String(NOW / 1000);

const secrets: CallbackSecrets = { token: TOKEN, appId: APPID, aesKeys: [decodeAesKey(NEW_KEY), decodeAesKey(OLD_KEY)], messageMode: 'compat' };
const plainOnly: CallbackSecrets = { token: TOKEN, appId: APPID, aesKeys: [], messageMode: 'plain' };

/** WeChat's signature, written out here rather than taken from signature.ts. */
function sha1Sorted(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

function inner(openid = 'oUser1', content = 'hello', msgId = '24000000000000000001'): string {
  return `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${TS}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

function plainQuery(timestamp = TS, nonce = '1514711492'): Query {
  return { signature: sha1Sorted(TOKEN, timestamp, nonce), timestamp, nonce };
}

function aesPush(
  xml: string,
  opts: { key?: string; appId?: string; timestamp?: string; nonce?: string } = {},
): { query: Query; body: string; encrypt: string } {
  const timestamp = opts.timestamp ?? TS;
  const nonce = opts.nonce ?? '1320562132';
  const encrypt = encryptMessage(decodeAesKey(opts.key ?? NEW_KEY), opts.appId ?? APPID, xml);
  return {
    query: { ...plainQuery(timestamp, nonce), encrypt_type: 'aes', msg_signature: sha1Sorted(TOKEN, timestamp, nonce, encrypt) },
    body: `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    encrypt,
  };
}

function refused(result: ReturnType<typeof openPush>, status: number, pattern?: RegExp): void {
  assert.equal(result.ok, false, 'should be refused');
  if (result.ok) return;
  assert.equal(result.status, status, result.error);
  if (pattern) assert.match(result.error, pattern);
}

describe('verifyUrlCheck', () => {
  const query = (over: Query = {}): Query => ({ ...plainQuery(), echostr: '5837397520665436492', ...over });

  test('a good signature answers echostr as is', () => {
    assert.deepEqual(verifyUrlCheck(query(), secrets, NOW), { ok: true, echostr: '5837397520665436492' });
  });

  test('the DESIGN.md vector: token AAAAA', () => {
    const q = { signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696', timestamp: '1714036504', nonce: '1514711492', echostr: 'e' };
    assert.deepEqual(verifyUrlCheck(q, { ...plainOnly, token: 'AAAAA' }, 1714036504_000), { ok: true, echostr: 'e' });
  });

  test('an upper-case hex signature is the same signature', () => {
    const q = query();
    assert.equal(verifyUrlCheck({ ...q, signature: q.signature!.toUpperCase() }, secrets, NOW).ok, true);
  });

  test('an empty echostr is echoed (it is present)', () => {
    assert.deepEqual(verifyUrlCheck(query({ echostr: '' }), secrets, NOW), { ok: true, echostr: '' });
  });

  for (const missing of ['signature', 'timestamp', 'nonce', 'echostr'] as const) {
    test(`missing ${missing} → 400`, () => {
      const r = verifyUrlCheck(query({ [missing]: undefined }), secrets, NOW);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.status, 400);
    });
  }

  test('a wrong token or a tampered nonce → 401', () => {
    const wrong = { ...query(), signature: sha1Sorted('other-token', TS, '1514711492') };
    const r1 = verifyUrlCheck(wrong, secrets, NOW);
    assert.equal(!r1.ok && r1.status, 401);
    const r2 = verifyUrlCheck({ ...query(), nonce: '1514711493' }, secrets, NOW);
    assert.equal(!r2.ok && r2.status, 401);
  });

  test('the replay window: 300 s either side is in, 301 s is out', () => {
    for (const [delta, ok] of [
      [300, true],
      [-300, true],
      [301, false],
      [-301, false],
    ] as const) {
      const ts = String(NOW / 1000 + delta);
      const r = verifyUrlCheck({ ...plainQuery(ts), echostr: 'x' }, secrets, NOW);
      assert.equal(r.ok, ok, `delta ${delta}`);
      if (!r.ok) assert.equal(r.status, 401);
    }
  });
});

describe('openPush in plain mode', () => {
  test('verifies and parses; MsgId stays a string', () => {
    const r = openPush(plainQuery(), inner('oA', '你好'), secrets, NOW);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.mode, 'plain');
    assert.equal(r.timestamp, TS);
    assert.equal(r.nonce, '1514711492');
    assert.equal(r.message.openid, 'oA');
    assert.ok(r.message.kind === 'text');
    assert.equal(r.message.content, '你好');
    assert.equal(r.message.msgId, '24000000000000000001');
  });

  test('works with no EncodingAESKey configured', () => {
    assert.equal(openPush(plainQuery(), inner(), plainOnly, NOW).ok, true);
  });

  test('missing signature, timestamp or nonce → 400', () => {
    for (const k of ['signature', 'timestamp', 'nonce'] as const) refused(openPush({ ...plainQuery(), [k]: undefined }, inner(), secrets, NOW), 400);
  });

  test('bad signature → 401; stale timestamp → 401 even when signed', () => {
    refused(openPush({ ...plainQuery(), signature: '0'.repeat(40) }, inner(), secrets, NOW), 401, /bad signature/);
    const old = String(NOW / 1000 - 3600);
    refused(openPush(plainQuery(old), inner(), secrets, NOW), 401, /replay/);
    refused(openPush(plainQuery('1e9'), inner(), secrets, NOW), 401);
  });

  test('bad XML, a DOCTYPE, or a missing field → 400 with a reason', () => {
    refused(openPush(plainQuery(), '<xml><A>', secrets, NOW), 400, /bad XML/);
    refused(openPush(plainQuery(), '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>', secrets, NOW), 400, /bad XML/);
    refused(openPush(plainQuery(), '<xml><ToUserName>gh</ToUserName></xml>', secrets, NOW), 400, /FromUserName/);
  });

  test('a body over the limit → 413 before anything else (even unsigned); byte length, not characters', () => {
    refused(openPush({}, 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes + 1), secrets, NOW), 413);
    const chinese = '中'.repeat(Math.floor(DEFAULT_LIMITS.maxBodyBytes / 3) + 1); // 3 bytes each in UTF-8
    assert.ok(chinese.length < DEFAULT_LIMITS.maxBodyBytes);
    refused(openPush(plainQuery(), chinese, secrets, NOW), 413);
    refused(openPush(plainQuery(), inner(), secrets, NOW, { replayWindowSeconds: 300, maxBodyBytes: 100 }), 413);
  });
});

describe('openPush in safe mode (encrypt_type=aes)', () => {
  test('decrypts with the current key and uses the decrypted message', () => {
    const { query, body } = aesPush(inner('oSecret', '加密 😀 '));
    const r = openPush(query, body, secrets, NOW);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.mode, 'aes');
    assert.equal(r.message.openid, 'oSecret');
    assert.ok(r.message.kind === 'text');
    assert.equal(r.message.content, '加密 😀 ');
  });

  test('compatible mode body (plain fields and Encrypt): the encrypted message wins', () => {
    const { query, encrypt } = aesPush(inner('oReal', 'real'));
    const body = inner('oForged', 'forged').replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
    const r = openPush(query, body, secrets, NOW);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.message.openid, 'oReal');
  });

  test('without encrypt_type the same compatible body is read as plain', () => {
    const { encrypt } = aesPush(inner('oReal', 'real'));
    const body = inner('oPlain', 'plain').replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
    const r = openPush(plainQuery(), body, secrets, NOW);
    assert.ok(r.ok);
    assert.equal(r.mode, 'plain');
    assert.equal(r.message.openid, 'oPlain');
  });

  test('an aes envelope without encrypt_type is plain mode and has no message fields → 400', () => {
    const { body } = aesPush(inner());
    refused(openPush(plainQuery(), body, secrets, NOW), 400, /FromUserName/);
  });

  test('encrypt_type other than aes means plain mode', () => {
    const r = openPush({ ...plainQuery(), encrypt_type: 'raw' }, inner('oRaw'), secrets, NOW);
    assert.ok(r.ok);
    assert.equal(r.mode, 'plain');
  });

  test('key rotation: [new, old] opens pushes encrypted with the old key', () => {
    const { query, body } = aesPush(inner('oOld'), { key: OLD_KEY });
    const r = openPush(query, body, secrets, NOW);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.message.openid, 'oOld');
    // … and only because the old key is still configured.
    refused(openPush(query, body, { ...secrets, aesKeys: [decodeAesKey(NEW_KEY)] }, NOW), 400, /cannot decrypt/);
  });

  test('a push encrypted for another appid → 401', () => {
    const { query, body } = aesPush(inner(), { appId: 'wxffffffffffffffff' });
    refused(openPush(query, body, { ...secrets, aesKeys: [decodeAesKey(NEW_KEY)] }, NOW), 401, /appid-mismatch/);
  });

  test('bad or missing msg_signature → 401; the plain signature alone is not enough', () => {
    const { query, body } = aesPush(inner());
    refused(openPush({ ...query, msg_signature: '0'.repeat(40) }, body, secrets, NOW), 401, /msg_signature/);
    refused(openPush({ ...query, msg_signature: undefined }, body, secrets, NOW), 401, /msg_signature/);
    // msg_signature over a different Encrypt (swapped ciphertext).
    const other = aesPush(inner('oOther'));
    refused(openPush(query, other.body, secrets, NOW), 401, /msg_signature/);
  });

  test('missing or empty Encrypt → 400', () => {
    const { query } = aesPush(inner());
    refused(openPush(query, '<xml><ToUserName>gh</ToUserName></xml>', secrets, NOW), 400, /Encrypt/);
    refused(openPush(query, '<xml><Encrypt></Encrypt></xml>', secrets, NOW), 400, /Encrypt/);
  });

  test('an encrypted push when no EncodingAESKey is configured → 400', () => {
    const { query, body } = aesPush(inner());
    refused(openPush(query, body, plainOnly, NOW), 400, /no EncodingAESKey/);
  });

  test('a signed Encrypt that is not ciphertext → 400, and decrypted garbage XML → 400', () => {
    const garbage = 'bm90IGNpcGhlcnRleHQ=';
    const q = { ...plainQuery(), encrypt_type: 'aes', msg_signature: sha1Sorted(TOKEN, TS, '1514711492', garbage) };
    refused(openPush(q, `<xml><Encrypt>${garbage}</Encrypt></xml>`, secrets, NOW), 400, /cannot decrypt/);
    const { query, body } = aesPush('<xml><Content>unterminated');
    refused(openPush(query, body, secrets, NOW), 400, /bad XML/);
  });

  test('refusal reasons never contain a secret (property over mutated queries)', () => {
    const good = aesPush(inner());
    const field = fc.constantFrom('signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature');
    const value = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 50 }), fc.constant('aes'), fc.constant(TS));
    fc.assert(
      fc.property(fc.dictionary(field, value, { maxKeys: 3 }), (over) => {
        const r = openPush({ ...good.query, ...over }, good.body, secrets, NOW);
        const text = JSON.stringify(r);
        for (const s of [TOKEN, NEW_KEY, OLD_KEY, decodeAesKey(NEW_KEY).toString('base64'), decodeAesKey(NEW_KEY).toString('hex')])
          assert.ok(!text.includes(s));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe("the account's message mode (no downgrade through the query)", () => {
  const safe: CallbackSecrets = { ...secrets, messageMode: 'safe' };

  test('safe mode: a validly signed plain push is refused with 401; the same message encrypted is accepted', () => {
    refused(openPush(plainQuery(), inner('oDown', 'hello'), safe, NOW), 401, /plain push to an account in safe mode/);
    const { query, body } = aesPush(inner('oDown', 'hello'));
    const r = openPush(query, body, safe, NOW);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.message.openid, 'oDown');
  });

  test('safe mode: dropping or changing encrypt_type on a compatible-mode push does not make it plain', () => {
    const { query, encrypt } = aesPush(inner('oReal', 'real'));
    const body = inner('oForged', 'forged').replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
    for (const encryptType of [undefined, 'raw', 'AES', '']) {
      refused(openPush({ ...query, encrypt_type: encryptType }, body, safe, NOW), 401, /plain push/);
    }
  });

  test('compat mode takes both; plain mode takes plain, and encrypted pushes when it holds a key', () => {
    const { query, body } = aesPush(inner('oBoth'));
    for (const [mode, q, b] of [
      ['compat', plainQuery(), inner('oBoth')],
      ['compat', query, body],
      ['plain', plainQuery(), inner('oBoth')],
      ['plain', query, body],
    ] as const) {
      const r = openPush(q, b, { ...secrets, messageMode: mode }, NOW);
      assert.ok(r.ok, `${mode}: ${JSON.stringify(r)}`);
      assert.equal(r.message.openid, 'oBoth');
    }
  });

  test('a refusal for the mode comes after the signature check: an unsigned plain push is still "bad signature"', () => {
    refused(openPush({ ...plainQuery(), signature: '0'.repeat(40) }, inner(), safe, NOW), 401, /bad signature/);
  });
});

describe('sealReply', () => {
  const reply = '<xml><ToUserName><![CDATA[oA]]></ToUserName><Content><![CDATA[hi 😀]]></Content></xml>';

  test('plain mode: the reply as is', () => {
    assert.equal(sealReply(reply, 'plain', secrets, NOW), reply);
  });

  test('success and the empty body are never encrypted', () => {
    assert.equal(sealReply('success', 'aes', secrets, NOW), 'success');
    assert.equal(sealReply('', 'aes', secrets, NOW), '');
  });

  test('aes mode: an envelope signed with the token, encrypted with the CURRENT key for our appid', () => {
    const sealed = sealReply(reply, 'aes', secrets, NOW + 999, 'n0nce');
    const env = parseXml(sealed).value;
    assert.deepEqual(Object.keys(env), ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']);
    assert.equal(env.TimeStamp, TS, 'seconds');
    assert.equal(env.Nonce, 'n0nce');
    assert.equal(env.MsgSignature, sha1Sorted(TOKEN, TS, 'n0nce', String(env.Encrypt)));
    assert.deepEqual(decryptMessage(decodeAesKey(NEW_KEY), String(env.Encrypt)), { message: reply, appId: APPID });
    let withOld: { message: string } | undefined;
    try {
      withOld = decryptMessage(decodeAesKey(OLD_KEY), String(env.Encrypt));
    } catch {
      withOld = undefined;
    }
    assert.notEqual(withOld?.message, reply, 'not encrypted with the previous key');
  });

  test('a fresh nonce per reply by default', () => {
    const a = parseXml(sealReply(reply, 'aes', secrets, NOW)).value.Nonce;
    const b = parseXml(sealReply(reply, 'aes', secrets, NOW)).value.Nonce;
    assert.ok(typeof a === 'string' && a.length >= 8);
    assert.notEqual(a, b);
  });

  test('aes mode without a key throws (a configuration error, not a silent plain reply)', () => {
    assert.throws(() => sealReply(reply, 'aes', plainOnly, NOW), /EncodingAESKey/);
  });

  test('what sealReply seals, openPush (as the other side) opens (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => !s.includes(']]>')),
        fc.stringMatching(/^[0-9]{1,10}$/),
        (content, nonce) => {
          const xml = inner('oProp', content);
          const env = parseXml(sealReply(xml, 'aes', secrets, NOW, nonce)).value;
          const q = { ...plainQuery(String(env.TimeStamp), nonce), encrypt_type: 'aes', msg_signature: String(env.MsgSignature) };
          const r = openPush(q, `<xml><Encrypt>${String(env.Encrypt)}</Encrypt></xml>`, secrets, NOW);
          assert.ok(r.ok, JSON.stringify(r));
          assert.ok(r.message.kind === 'text');
          assert.equal(r.message.content, content);
        },
      ),
      { seed: SEED + 1, numRuns: 200 },
    );
  });

  test('encryptEnvelope with a fixed random prefix is deterministic and matches the pieces', () => {
    const key = decodeAesKey(OLD_KEY);
    const random = randomBytes(16);
    const a = encryptEnvelope(key, TOKEN, APPID, reply, TS, 'n', random);
    const b = encryptEnvelope(key, TOKEN, APPID, reply, TS, 'n', random);
    assert.equal(a, b);
    const env = parseXml(a).value;
    assert.equal(env.Encrypt, encryptMessage(key, APPID, reply, random));
  });
});
