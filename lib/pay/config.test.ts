import { test } from 'node:test';
import assert from 'node:assert/strict';
import { payConfigFromEnv, withPayDefaults } from './config';
import { loadPayConfig, payConfigFromSandbox } from './sandboxConfig';
import { paySettingsOf } from '../config/pay';

const FULL = {
  WECHATPAY_MCHID: '1900000109',
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHATPAY_MERCHANT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----',
  WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000',
  WECHATPAY_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
  WECHATPAY_APIV3_KEY: 'a'.repeat(32),
  WECHATPAY_V2_KEY: 'b'.repeat(32),
};

test('no WECHATPAY_MCHID: WeChat Pay is simply not configured', () => {
  assert.equal(payConfigFromEnv({}), undefined);
  assert.equal(payConfigFromEnv({ WECHATPAY_MCHID: '  ' }), undefined);
});

test('a half configuration names what is missing', () => {
  assert.throws(
    () => payConfigFromEnv({ WECHATPAY_MCHID: '1900000109' }),
    /WECHATPAY_MERCHANT_SERIAL, WECHATPAY_PRIVATE_KEY, .*WECHATPAY_V2_KEY, WECHATPAY_APPID not set/,
  );
});

test('a full configuration: appid falls back to WECHAT_APPID, one-line PEMs get their line breaks back', () => {
  const c = payConfigFromEnv(FULL)!;
  assert.equal(c.appid, 'wx1234567890abcdef');
  assert.equal(c.merchantPrivateKeyPem, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----');
  assert.equal(c.baseUrl, undefined);
  assert.equal(payConfigFromEnv({ ...FULL, WECHATPAY_APPID: 'wxother' })!.appid, 'wxother');
  const d = withPayDefaults({ ...c, baseUrl: 'http://localhost:4000/' });
  assert.equal(d.baseUrl, 'http://localhost:4000');
  assert.equal(withPayDefaults(c).baseUrl, 'https://api.mch.weixin.qq.com');
  assert.equal(payConfigFromEnv({ ...FULL, WECHATPAY_TIMEOUT_MS: '3000' })!.timeoutMs, 3000);
});

test('sandbox keys are taken only when asked for, and only from a loopback address', async () => {
  let fetched = 0;
  const fakeFetch = (async () => {
    fetched++;
    return new Response('{}');
  }) as unknown as typeof fetch;
  assert.equal(await loadPayConfig(paySettingsOf({ WECHATPAY_BASE: 'http://localhost:4000' }).keys, fakeFetch), undefined);
  await assert.rejects(loadPayConfig(paySettingsOf({ WECHATPAY_SANDBOX_KEYS: 'true' }).keys, fakeFetch), /needs WECHATPAY_BASE/);
  await assert.rejects(payConfigFromSandbox('https://api.mch.weixin.qq.com', fakeFetch), /loopback/);
  await assert.rejects(payConfigFromSandbox('http://10.0.0.8:4000', fakeFetch), /loopback/);
  assert.equal(fetched, 0);
  await assert.rejects(
    loadPayConfig(paySettingsOf({ WECHATPAY_SANDBOX_KEYS: 'true', WECHATPAY_BASE: 'http://127.0.0.1:4000' }).keys, fakeFetch),
    /gave no mchid/,
  );
  assert.equal(fetched, 1);
});
