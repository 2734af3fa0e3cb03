import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, createVerify } from 'node:crypto';
import fc from 'fast-check';
import { authorizationHeader, headerLookup, requestMessage, responseMessage, rsaSign, rsaVerify, verifyWechatpaySignature } from './signature';
import { testKeys, wechatpayHeaders } from './testing';

const NOW = Date.UTC(2025, 5, 2, 1, 0, 0);

test('signed texts: every line ends in \\n, the body too (same output as wechatpay-axios-plugin)', () => {
  assert.equal(
    requestMessage('POST', '/v3/fund-app/mch-transfer/transfer-bills?x=1', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '{"a":1}'),
    'POST\n/v3/fund-app/mch-transfer/transfer-bills?x=1\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"a":1}\n',
  );
  assert.equal(responseMessage('1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', ''), '1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
});

test('the Authorization header carries the five fields WeChat Pay reads', () => {
  const h = authorizationHeader({
    mchid: '1900009191',
    serialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
    timestamp: '1554208460',
    nonce: 'N',
    signature: 'S==',
  });
  assert.equal(
    h,
    'WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="N",signature="S==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"',
  );
});

test('a signature is plain SHA256withRSA: node:crypto verifies it independently', () => {
  const k = testKeys();
  const message = requestMessage('GET', '/v3/x', '1', 'n', '');
  const signature = rsaSign(message, k.merchantKey);
  assert.ok(createVerify('sha256WithRSAEncryption').update(message).verify(createPublicKey(k.merchantPublicPem), signature, 'base64'));
});

test('property: sign then verify holds; any single changed byte of the message does not', () => {
  const k = testKeys();
  const pub = createPublicKey(k.merchantPublicPem);
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (body, at, flip) => {
      const message = responseMessage('1717290000', 'NONCE', body);
      const signature = rsaSign(message, k.merchantKey);
      assert.ok(rsaVerify(message, signature, pub));
      const bytes = Buffer.from(message, 'utf8');
      bytes[at % bytes.length]! ^= flip;
      const tampered = bytes.toString('utf8');
      if (tampered !== message) assert.equal(rsaVerify(tampered, signature, pub), false);
    }),
    { numRuns: 60 },
  );
});

test('property: any single changed byte of the signature fails verification', () => {
  const k = testKeys();
  const pub = createPublicKey(k.merchantPublicPem);
  const message = responseMessage('1717290000', 'NONCE', '{"state":"SUCCESS"}');
  const sig = Buffer.from(rsaSign(message, k.merchantKey), 'base64');
  fc.assert(
    fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const bad = Buffer.from(sig);
      bad[at % bad.length]! ^= flip;
      assert.equal(rsaVerify(message, bad.toString('base64'), pub), false);
    }),
    { numRuns: 60 },
  );
});

test('verifyWechatpaySignature: key id, all four headers, ±300 s, the exact body', () => {
  const k = testKeys();
  const key = { publicKeyId: k.platformPublicKeyId, publicKey: createPublicKey(k.platformPublicPem) };
  const body = '{"state":"SUCCESS"}';
  const check = (h: Record<string, string>, b = body, now = NOW) => verifyWechatpaySignature(headerLookup(h), b, key, now);
  assert.deepEqual(check(wechatpayHeaders(body, NOW)), { ok: true });
  // header names in any case, as Lambda and node:http hand them over
  const lower = Object.fromEntries(Object.entries(wechatpayHeaders(body, NOW)).map(([n, v]) => [n.toLowerCase(), v]));
  assert.deepEqual(check(lower), { ok: true });
  assert.deepEqual(check(wechatpayHeaders(body, NOW - 300_000)), { ok: true });
  assert.deepEqual(check(wechatpayHeaders(body, NOW + 300_000)), { ok: true });
  assert.match((check(wechatpayHeaders(body, NOW - 301_000)) as { error: string }).error, /301 s away/);
  assert.match((check(wechatpayHeaders(body, NOW + 301_000)) as { error: string }).error, /301 s away/);
  assert.match(
    (check(wechatpayHeaders(body, NOW, { serial: 'PUB_KEY_ID_0000000000000000000000000000' })) as { error: string }).error,
    /not with the configured public key/,
  );
  assert.equal(check(wechatpayHeaders(body, NOW, { key: k.merchantKey })).ok, false);
  assert.equal(check(wechatpayHeaders(body, NOW), `${body} `).ok, false);
  assert.equal(check(wechatpayHeaders(body, NOW, { timestamp: 'abc' })).ok, false);
  const { 'Wechatpay-Nonce': _n, ...noNonce } = wechatpayHeaders(body, NOW);
  assert.equal(check(noNonce).ok, false);
  // WeChat Pay sends deliberately broken signatures now and then to see that merchants check them.
  assert.equal(check({ ...wechatpayHeaders(body, NOW), 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${'A'.repeat(300)}` }).ok, false);
});
