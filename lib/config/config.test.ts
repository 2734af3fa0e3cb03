import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callbackSecrets, messageModeOf, readConfig } from './config';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const base = { WECHAT_APPID: 'wx1234567890abcdef', WECHAT_TOKEN: 't' };

test('WECHAT_MESSAGE_MODE: safe by default when an EncodingAESKey is set, plain otherwise', () => {
  assert.equal(messageModeOf({ WECHAT_ENCODING_AES_KEY: KEY }), 'safe');
  assert.equal(messageModeOf({}), 'plain');
  assert.equal(messageModeOf({ WECHAT_ENCODING_AES_KEY: '  ' }), 'plain');
  assert.equal(callbackSecrets(readConfig({ ...base, WECHAT_ENCODING_AES_KEY: KEY })).messageMode, 'safe');
});

test('WECHAT_MESSAGE_MODE as given; compat and safe need a key; anything else is a configuration error', () => {
  assert.equal(messageModeOf({ WECHAT_ENCODING_AES_KEY: KEY, WECHAT_MESSAGE_MODE: 'compat' }), 'compat');
  assert.equal(messageModeOf({ WECHAT_ENCODING_AES_KEY: KEY, WECHAT_MESSAGE_MODE: ' plain ' }), 'plain');
  assert.equal(messageModeOf({ WECHAT_MESSAGE_MODE: 'plain' }), 'plain');
  assert.throws(() => messageModeOf({ WECHAT_MESSAGE_MODE: 'safe' }), /needs WECHAT_ENCODING_AES_KEY/);
  assert.throws(() => messageModeOf({ WECHAT_MESSAGE_MODE: 'compat' }), /needs WECHAT_ENCODING_AES_KEY/);
  for (const bad of ['aes', 'SAFE', 'secure', 'constructor']) {
    assert.throws(() => messageModeOf({ WECHAT_ENCODING_AES_KEY: KEY, WECHAT_MESSAGE_MODE: bad }), /must be plain, compat or safe/, bad);
  }
});

test('only the callback needs WECHAT_TOKEN: the configuration reads without it, the callback refuses to start', () => {
  const config = readConfig({ WECHAT_APPID: 'wx1234567890abcdef' });
  assert.equal(config.token, '');
  assert.throws(() => callbackSecrets(config), /WECHAT_TOKEN is not set/);
});
