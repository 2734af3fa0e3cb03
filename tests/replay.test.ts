/**
 * The replay record on the real callback handler and DynamoDB Local: a signed query (timestamp +
 * nonce) is good for one push. WeChat's retry of a push (same query, same push) goes on to dedup and
 * gets the same reply; the same query with another body is refused with 401 and changes nothing.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { createTable, type Table } from '../lib/store/dynamo';
import { encryptEnvelope, type Opened } from '../lib/wechat/callback';
import { decodeAesKey } from '../lib/wechat/crypto';
import { dynamoReplayRecord } from '../lib/wechat/dynamoReplayRecord';
import { checkReplay } from '../lib/wechat/replayRecord';
import { signParts } from '../lib/wechat/signature';
import { buildXml, parseXml } from '../lib/wechat/xml';
import { httpEvent, pushEvent, textXml } from './support/pushes';
import { rule } from './support/rules';
import { dynamoEndpoint, TEST_CONFIG, useTestTable } from './support/testTable';

let table: Table;
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  table = await useTestTable();
  await dynamoRuleStore(table).put(rule('echo', { match: { type: 'default' }, reply: { type: 'text', content: '收到' } }));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
});

const members = () => dynamoMemberStore(table);
const replayItems = async () =>
  (await table.doc.send(new ScanCommand({ TableName: table.name, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': 'REPLAY#' } })))
    .Items ?? [];

describe('the callback', () => {
  test('the same query with another body → 401, and the second push has no effect', async () => {
    const first = pushEvent(textXml('o_replay_a', 'hello'));
    assert.equal((await handleWeChat(first)).statusCode, 200);
    const forged = httpEvent('POST', '/wechat', first.queryStringParameters as Record<string, string>, textXml('o_replay_forged', 'hello'));
    const res = await handleWeChat(forged);
    assert.equal(res.statusCode, 401);
    assert.match(String(res.body), /already used for another push/);
    assert.equal(await members().get('o_replay_forged'), undefined, 'no member for the replayed query');
  });

  test('WeChat retrying with the same query and body gets the same reply (dedup), no refusal', async () => {
    const push = pushEvent(textXml('o_replay_retry', 'hi'));
    const a = await handleWeChat(push);
    const b = await handleWeChat(push);
    assert.equal(a.statusCode, 200);
    assert.equal(b.statusCode, 200);
    assert.equal(b.body, a.body, 'the stored reply');
    assert.equal(parseXml(String(a.body)).value.Content, '收到');
  });

  test('a retry re-encrypted under the same query (new Encrypt, new msg_signature) is the same push', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const xml = textXml('o_replay_aes', 'hi');
    const key = decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY);
    const sealed = (random: Buffer) => {
      const encrypt = String(parseXml(encryptEnvelope(key, TEST_CONFIG.WECHAT_TOKEN, TEST_CONFIG.WECHAT_APPID, xml, timestamp, nonce, random)).value.Encrypt);
      const query = {
        signature: signParts([TEST_CONFIG.WECHAT_TOKEN, timestamp, nonce]),
        timestamp,
        nonce,
        encrypt_type: 'aes',
        msg_signature: signParts([TEST_CONFIG.WECHAT_TOKEN, timestamp, nonce, encrypt]),
      };
      return httpEvent('POST', '/wechat', query, buildXml({ ToUserName: 'gh_account', Encrypt: encrypt }));
    };
    const a = await handleWeChat(sealed(randomBytes(16)));
    const b = await handleWeChat(sealed(randomBytes(16)));
    assert.equal(a.statusCode, 200, String(a.body));
    assert.equal(b.statusCode, 200, String(b.body));
  });

  test('each accepted query is recorded once, with a TTL just past the replay window, and names no follower', async () => {
    const push = pushEvent(textXml('o_replay_ttl', 'hi'));
    const before = (await replayItems()).length;
    await handleWeChat(push);
    await handleWeChat(push);
    const items = await replayItems();
    assert.equal(items.length, before + 1);
    const timestamp = Number(push.queryStringParameters!.timestamp);
    const mine = items.filter((i) => String(i.pk).startsWith(`REPLAY#${timestamp}#`));
    assert.ok(
      mine.some((i) => i.expiresAt === timestamp + 300 + 60),
      JSON.stringify(mine),
    );
    assert.ok(!JSON.stringify(items).includes('o_replay'), 'no openid in replay items');
  });

  test('a refused push (bad signature) is not recorded', async () => {
    const push = pushEvent(textXml('o_replay_bad', 'hi'), 'plain', { token: 'not-the-token' });
    const before = (await replayItems()).length;
    assert.equal((await handleWeChat(push)).statusCode, 401);
    assert.equal((await replayItems()).length, before);
  });
});

describe('the DynamoDB replay record', () => {
  // One timestamp for the whole describe: a push is keyed by timestamp + nonce, so a second
  // ticking over between two calls would make "the other push" a different key (a CI flake).
  const timestamp = String(Math.floor(Date.now() / 1000));
  const opened = (nonce: string, plaintext: string): Opened => ({
    ok: true,
    mode: 'plain',
    message: { kind: 'text', toUser: 'gh', openid: 'o', createTime: 1, raw: {}, msgId: '1', content: '' },
    timestamp,
    nonce,
    plaintext,
  });
  const opts = { replayWindowSeconds: 300, timeoutMs: 2000 };

  test('first, same push, other push; a nonce of any length or content is one key', async () => {
    const record = dynamoReplayRecord(table);
    for (const nonce of ['1320562132', 'x'.repeat(5000), '中文 \u0000 😀']) {
      assert.deepEqual(await checkReplay(record, opened(nonce, '<xml>1</xml>'), opts), { ok: true, use: 'first' });
      assert.deepEqual(await checkReplay(record, opened(nonce, '<xml>1</xml>'), opts), { ok: true, use: 'same-push' });
      assert.equal((await checkReplay(record, opened(nonce, '<xml>2</xml>'), opts)).ok, false);
    }
  });

  test('many deliveries of one query at once: exactly one is first, the same push is never refused', async () => {
    const record = dynamoReplayRecord(table);
    const o = opened(`crowd-${Date.now()}`, '<xml>crowd</xml>');
    const results = await Promise.all(Array.from({ length: 12 }, () => checkReplay(record, o, opts)));
    assert.equal(results.filter((r) => r.ok && r.use === 'first').length, 1);
    assert.equal(results.filter((r) => r.ok && r.use === 'same-push').length, 11);
  });

  test('storage gone (no such table): the push goes on', async () => {
    const gone = dynamoReplayRecord(createTable(`no-such-table-${Date.now()}`, dynamoEndpoint()));
    assert.deepEqual(await checkReplay(gone, opened('1', '<xml/>'), opts), { ok: true, use: 'unchecked' });
  });

  test('storage that hangs: the push goes on within the timeout, and the request is aborted', async () => {
    let aborted = false;
    const hanging = {
      name: table.name,
      doc: {
        send: (_cmd: unknown, o?: { abortSignal?: AbortSignal }) =>
          new Promise((_, reject) => {
            o?.abortSignal?.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            });
          }),
      },
    } as unknown as Table;
    const started = performance.now();
    const r = await checkReplay(dynamoReplayRecord(hanging), opened('2', '<xml/>'), { ...opts, timeoutMs: 100 });
    assert.deepEqual(r, { ok: true, use: 'unchecked' });
    assert.ok(performance.now() - started < 1000);
    assert.equal(aborted, true, 'the SDK call got the abort signal');
  });

  test('the stored item is the hash of the push, not the push', async () => {
    const o = opened(`hash-${Date.now()}`, '<xml><FromUserName>o_secret_text</FromUserName></xml>');
    await checkReplay(dynamoReplayRecord(table), o, opts);
    const items = await replayItems();
    assert.ok(!JSON.stringify(items).includes('o_secret_text'));
    assert.ok(items.every((i) => /^[0-9a-f]{64}$/.test(String(i.push))));
  });
});
