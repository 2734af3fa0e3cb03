import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { PayConfigInput } from './config';
import { encryptResource } from './resourceCipher';
import { newNonce, responseMessage, rsaSign } from './signature';

/**
 * Test helpers only (never imported by handlers): key pairs made at run time, so no key is ever
 * committed, and a signer that plays WeChat Pay's side of a response or callback.
 */
export interface TestKeys {
  merchantKey: KeyObject;
  merchantPrivatePem: string;
  merchantPublicPem: string;
  platformKey: KeyObject;
  platformPublicPem: string;
  platformPublicKeyId: string;
}

let cached: TestKeys | undefined;

/** One set per test process: 2048-bit RSA generation is slow enough to matter in a suite. */
export function testKeys(): TestKeys {
  if (cached) return cached;
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  cached = {
    merchantKey: merchant.privateKey,
    merchantPrivatePem: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantPublicPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    platformKey: platform.privateKey,
    platformPublicPem: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    platformPublicKeyId: 'PUB_KEY_ID_0114232134912410000000000000',
  };
  return cached;
}

export const TEST_APIV3_KEY = 'test-apiv3-key-0123456789abcdef!';

export function testConfig(overrides: Partial<PayConfigInput> = {}): PayConfigInput {
  const k = testKeys();
  return {
    mchid: '1900000109',
    appid: 'wx1234567890abcdef',
    merchantSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    merchantPrivateKeyPem: k.merchantPrivatePem,
    platformPublicKeyId: k.platformPublicKeyId,
    platformPublicKeyPem: k.platformPublicPem,
    apiV3Key: TEST_APIV3_KEY,
    v2Key: 'test-v2-key-0123456789abcdefghij',
    baseUrl: 'https://api.mch.weixin.qq.com',
    timeoutMs: 1000,
    ...overrides,
  };
}

/** Wechatpay-* headers for a body, as WeChat Pay would sign it at `nowMs`. */
export function wechatpayHeaders(body: string, nowMs: number, o: { key?: KeyObject; serial?: string; timestamp?: string } = {}): Record<string, string> {
  const k = testKeys();
  const timestamp = o.timestamp ?? String(Math.floor(nowMs / 1000));
  const nonce = newNonce();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': o.serial ?? k.platformPublicKeyId,
    'Wechatpay-Signature': rsaSign(responseMessage(timestamp, nonce, body), o.key ?? k.platformKey),
  };
}

/** A MCHTRANSFER.BILL.FINISHED body with its resource sealed under the test APIv3 key. */
export function notificationBody(resource: Record<string, unknown>, apiV3Key = TEST_APIV3_KEY): string {
  return JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2025-06-02T09:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'MCHTRANSFER.BILL.FINISHED',
    summary: '商家转账单据终态通知',
    resource: {
      original_type: 'mch_payment',
      algorithm: 'AEAD_AES_256_GCM',
      ...snake(encryptResource(JSON.stringify(resource), apiV3Key, 'fdasflkja484', 'mch_payment')),
    },
  });
}

function snake(r: { ciphertext: string; nonce: string; associatedData: string }) {
  return { ciphertext: r.ciphertext, nonce: r.nonce, associated_data: r.associatedData };
}
