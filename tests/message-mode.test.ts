/**
 * An account in safe mode (WECHAT_MESSAGE_MODE=safe) on the real callback handler and DynamoDB Local:
 * encrypted pushes are answered; the same push in plain mode, validly signed, is refused with 401 and
 * leaves nothing behind (the query's `encrypt_type` cannot downgrade the account). The sandbox, set up
 * from the same environment as `npm start` sets it, pushes in the account's mode.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { Table } from '../lib/store/dynamo';
import { optionsFromEnv } from '../sandbox/config';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { serveHandler } from './support/lambdaServer';
import { eventXml, pushEvent, textXml } from './support/pushes';
import { rule } from './support/rules';
import { TEST_CONFIG, useTestTable } from './support/testTable';

let table: Table;
let handleWeChat: typeof import('../handlers/wechat').handler;
let callback: Awaited<ReturnType<typeof serveHandler>>;
let sandbox: Sandbox;

before(async () => {
  table = await useTestTable({ WECHAT_MESSAGE_MODE: 'safe' });
  await dynamoRuleStore(table).put(rule('hi', { match: { type: 'exact', pattern: 'hi' }, reply: { type: 'text', content: '你好' } }));
  await dynamoRuleStore(table).put(rule('welcome', { match: { type: 'subscribe' }, reply: { type: 'text', content: '欢迎' } }));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
  callback = await serveHandler(async () => handleWeChat);
  // What npm start gives the sandbox: the same variables as the handlers, no WECHAT_PUSH_MODE.
  const { WECHAT_PUSH_MODE: _unset, ...env } = { ...process.env, ...TEST_CONFIG, WECHAT_MESSAGE_MODE: 'safe', WECHAT_PUSH_MODE: undefined };
  sandbox = createSandbox({ ...optionsFromEnv(env), callbackUrl: `${callback.url}/wechat` });
  await sandbox.listen(0);
});

after(async () => {
  await sandbox?.close();
  await callback?.close();
});

const members = () => dynamoMemberStore(table);

test('safe mode: an encrypted push is answered; the same message pushed plain is refused with 401 and has no effect', async () => {
  const aes = await handleWeChat(pushEvent(textXml('o_mode_aes', 'hi'), 'aes'));
  assert.equal(aes.statusCode, 200, String(aes.body));
  assert.ok((await members().get('o_mode_aes'))?.openid);

  for (const [openid, push] of [
    ['o_mode_plain', pushEvent(textXml('o_mode_plain', 'hi'), 'plain')],
    ['o_mode_sub', pushEvent(eventXml('o_mode_sub', 'subscribe'), 'plain')],
  ] as const) {
    const res = await handleWeChat(push);
    assert.equal(res.statusCode, 401, String(res.body));
    assert.deepEqual(JSON.parse(String(res.body)), { error: 'a plain push to an account in safe mode' });
    assert.equal(await members().get(openid), undefined, `${openid} was not recorded`);
  }
});

test('safe mode: a compatible-mode push (plain fields + Encrypt, encrypt_type=aes) is read from Encrypt; without encrypt_type it is refused', async () => {
  const compat = pushEvent(textXml('o_mode_compat', 'hi'), 'compat');
  assert.equal((await handleWeChat(compat)).statusCode, 200);
  const downgraded = pushEvent(textXml('o_mode_down', 'hi'), 'compat');
  delete downgraded.queryStringParameters!.encrypt_type;
  delete downgraded.queryStringParameters!.msg_signature;
  assert.equal((await handleWeChat(downgraded)).statusCode, 401);
  assert.equal(await members().get('o_mode_down'), undefined);
});

test("the sandbox set up like npm start pushes in safe mode and gets replies; a tester choosing plain sees WeChat's notice", async () => {
  assert.equal(sandbox.options.pushMode, 'aes');
  const post = async (openid: string, body: unknown) => {
    const r = await fetch(`${sandbox.url}/sandbox/followers/${openid}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await r.json()) as { status: number; reply: { content?: string } | null; error?: string; push: { mode: string } };
  };
  const followed = await post('o_mode_sandbox', { type: 'event', event: 'subscribe' });
  assert.equal(followed.push.mode, 'aes');
  assert.equal(followed.reply?.content, '欢迎');
  const plain = await post('o_mode_sandbox', { type: 'text', content: 'hi', mode: 'plain' });
  assert.equal(plain.status, 401);
  assert.equal(plain.reply, null);
  assert.ok(plain.error, 'the sandbox says why WeChat would show its notice');
});

test("the sandbox's push mode follows WECHAT_MESSAGE_MODE unless WECHAT_PUSH_MODE says otherwise", () => {
  const key = { WECHAT_ENCODING_AES_KEY: TEST_CONFIG.WECHAT_ENCODING_AES_KEY };
  assert.equal(optionsFromEnv(key).pushMode, 'aes', 'safe is the default with a key');
  assert.equal(optionsFromEnv({ ...key, WECHAT_MESSAGE_MODE: 'compat' }).pushMode, 'compat');
  assert.equal(optionsFromEnv({ ...key, WECHAT_MESSAGE_MODE: 'plain' }).pushMode, 'plain');
  assert.equal(optionsFromEnv({ ...key, WECHAT_MESSAGE_MODE: 'safe', WECHAT_PUSH_MODE: 'plain' }).pushMode, 'plain');
  assert.equal(optionsFromEnv({}).pushMode, undefined, 'no key, no setting: the sandbox default');
});
