import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSecretsIntoEnv, type ReadParameters } from './secrets';

/** An SSM that holds `stored` (full names) and records every call's names. */
function fakeSsm(stored: Record<string, string>) {
  const calls: string[][] = [];
  const read: ReadParameters = async (names) => {
    calls.push(names);
    return Object.fromEntries(names.filter((n) => n in stored).map((n) => [n, stored[n]!]));
  };
  return { calls, read };
}

const PATH = '/wechat-oa-crm/prod/';
const STORED = {
  [`${PATH}WECHAT_TOKEN`]: 'token-from-ssm',
  [`${PATH}WECHAT_ENCODING_AES_KEY`]: 'aes-from-ssm',
  [`${PATH}WECHAT_APPSECRET`]: 'appsecret-from-ssm',
  [`${PATH}WECHATPAY_PRIVATE_KEY`]: 'pay-key-from-ssm',
};

test('a function reads exactly the parameters it lists, once, and nothing else lands in its environment', async () => {
  const ssm = fakeSsm(STORED);
  const env: NodeJS.ProcessEnv = {
    SSM_PARAMETER_PATH: PATH,
    SSM_PARAMETER_NAMES: 'WECHAT_TOKEN, WECHAT_ENCODING_AES_KEY,WECHAT_PREVIOUS_ENCODING_AES_KEY',
  };
  await loadSecretsIntoEnv(env, ssm.read);
  assert.deepEqual(ssm.calls, [[`${PATH}WECHAT_TOKEN`, `${PATH}WECHAT_ENCODING_AES_KEY`, `${PATH}WECHAT_PREVIOUS_ENCODING_AES_KEY`]]);
  assert.equal(env.WECHAT_TOKEN, 'token-from-ssm');
  assert.equal(env.WECHAT_ENCODING_AES_KEY, 'aes-from-ssm');
  // Not in SSM (no key rotation under way): left unset, not an error.
  assert.equal(env.WECHAT_PREVIOUS_ENCODING_AES_KEY, undefined);
  assert.equal(env.WECHAT_APPSECRET, undefined);
  assert.equal(env.WECHATPAY_PRIVATE_KEY, undefined);
});

test('a function that lists no parameters never asks SSM', async () => {
  const ssm = fakeSsm(STORED);
  const env: NodeJS.ProcessEnv = { SSM_PARAMETER_PATH: PATH };
  await loadSecretsIntoEnv(env, ssm.read);
  await loadSecretsIntoEnv({ ...env, SSM_PARAMETER_NAMES: ' , ' }, ssm.read);
  assert.deepEqual(ssm.calls, []);
});

test('locally (serverless-offline, tests) the environment is the only source; a value already there is not fetched', async () => {
  const ssm = fakeSsm(STORED);
  const listed = { SSM_PARAMETER_PATH: PATH, SSM_PARAMETER_NAMES: 'WECHAT_TOKEN,WECHAT_APPSECRET' };
  const offline: NodeJS.ProcessEnv = { ...listed, IS_OFFLINE: 'true' };
  await loadSecretsIntoEnv(offline, ssm.read);
  await loadSecretsIntoEnv({ ...listed, NODE_ENV: 'test' }, ssm.read);
  assert.deepEqual(ssm.calls, []);
  assert.equal(offline.WECHAT_TOKEN, undefined);

  const partly: NodeJS.ProcessEnv = { ...listed, WECHAT_TOKEN: 'from-env' };
  await loadSecretsIntoEnv(partly, ssm.read);
  assert.deepEqual(ssm.calls, [[`${PATH}WECHAT_APPSECRET`]]);
  assert.equal(partly.WECHAT_TOKEN, 'from-env');
  assert.equal(partly.WECHAT_APPSECRET, 'appsecret-from-ssm');
});

test('parameters listed without a path are a configuration error, not a silent empty secret', async () => {
  await assert.rejects(loadSecretsIntoEnv({ SSM_PARAMETER_NAMES: 'WECHAT_TOKEN' }, fakeSsm(STORED).read), /SSM_PARAMETER_NAMES needs SSM_PARAMETER_PATH/);
});
