import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { loadHandlers } from './support/handlers';
import { rule } from './support/rules';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { decodeAesKey, decryptMessage } from '../lib/wechat/crypto';
import { signParts } from '../lib/wechat/signature';
import { parseXml } from '../lib/wechat/xml';
import { eventXml, httpEvent, nextMsgId, pushEvent, textXml } from './support/pushes';
import { TEST_CONFIG, useTestTable } from './support/testTable';
import type { Table } from '../lib/store/dynamo';

let table: Table;
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  table = await useTestTable();
  const rules = dynamoRuleStore(table);
  await rules.put(rule('welcome', { match: { type: 'subscribe' }, reply: { type: 'text', content: '欢迎 {nickname}！' } }));
  await rules.put(rule('hi', { match: { type: 'exact', pattern: 'hi' }, reply: { type: 'text', content: 'hello, level {level}, points {points}' } }));
  await rules.put(rule('cdata', { match: { type: 'exact', pattern: 'cdata' }, reply: { type: 'text', content: 'tricky ]]> <xml> & end' } }));
  await rules.put(
    rule('menu', { match: { type: 'contains', pattern: '菜单' }, reply: { type: 'news', articles: [{ title: '今日菜单', url: 'https://example.com/m' }] } }),
  );
  await rules.put(rule('default', { match: { type: 'default' }, reply: { type: 'text', content: '收到' } }));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
});

function replyOf(body: string): Record<string, unknown> {
  return parseXml(body).value;
}

describe('GET URL check', () => {
  test('answers echostr for a good signature', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await handleWeChat(
      httpEvent('GET', '/wechat', { signature: signParts([TEST_CONFIG.WECHAT_TOKEN, timestamp, '42']), timestamp, nonce: '42', echostr: 'echo-123' }),
    );
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'echo-123');
  });
  test('401 for a bad signature, with a JSON error', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await handleWeChat(httpEvent('GET', '/wechat', { signature: 'f'.repeat(40), timestamp, nonce: '42', echostr: 'x' }));
    assert.equal(res.statusCode, 401);
    assert.match(String(res.body), /"error"/);
  });
});

describe('POST in plain mode', () => {
  test('a keyword gets its reply, with placeholders filled and CreateTime in seconds', async () => {
    const res = await handleWeChat(pushEvent(textXml('o_plain_1', 'hi')));
    assert.equal(res.statusCode, 200);
    const xml = replyOf(String(res.body));
    assert.equal(xml.Content, 'hello, level 普通, points 0');
    assert.equal(xml.ToUserName, 'o_plain_1');
    assert.equal(xml.FromUserName, 'gh_account');
    assert.ok(Math.abs(Number(xml.CreateTime) - Date.now() / 1000) < 5, 'CreateTime is in seconds');
  });

  test('a reply containing ]]> survives CDATA', async () => {
    const res = await handleWeChat(pushEvent(textXml('o_plain_2', 'cdata')));
    assert.equal(replyOf(String(res.body)).Content, 'tricky ]]> <xml> & end');
  });

  test('contains-rule with a news reply', async () => {
    const res = await handleWeChat(pushEvent(textXml('o_plain_3', '请给我看看菜单')));
    const xml = replyOf(String(res.body));
    assert.equal(xml.MsgType, 'news');
    assert.equal(xml.ArticleCount, '1');
    assert.equal((xml.Articles as { item: { Title: string } }).item.Title, '今日菜单');
  });

  test('anything else gets the default reply', async () => {
    const res = await handleWeChat(pushEvent(textXml('o_plain_4', 'something random')));
    assert.equal(replyOf(String(res.body)).Content, '收到');
  });

  test('an unknown menu key gets a polite reply, not an error', async () => {
    const res = await handleWeChat(pushEvent(eventXml('o_plain_5', 'CLICK', 'NO_SUCH_KEY')));
    assert.equal(res.statusCode, 200);
    assert.match(String(replyOf(String(res.body)).Content), /敬请期待/);
  });

  test('events with nothing to say answer success', async () => {
    const res = await handleWeChat(pushEvent(eventXml('o_plain_6', 'VIEW', 'https://example.com')));
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'success');
  });
});

describe('POST in safe and compatible mode', () => {
  for (const mode of ['aes', 'compat'] as const) {
    test(`${mode}: the reply is encrypted, signed and decrypts to the answer`, async () => {
      const res = await handleWeChat(pushEvent(textXml(`o_${mode}`, 'hi'), mode));
      assert.equal(res.statusCode, 200);
      const envelope = replyOf(String(res.body));
      const encrypt = String(envelope.Encrypt);
      assert.equal(envelope.MsgSignature, signParts([TEST_CONFIG.WECHAT_TOKEN, String(envelope.TimeStamp), String(envelope.Nonce), encrypt]));
      const inner = decryptMessage(decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY), encrypt);
      assert.equal(inner.appId, TEST_CONFIG.WECHAT_APPID);
      assert.equal(replyOf(inner.message).Content, 'hello, level 普通, points 0');
    });
  }

  test('a bad msg_signature is refused with 401', async () => {
    const ev = pushEvent(textXml('o_badsig', 'hi'), 'aes');
    ev.queryStringParameters!.msg_signature = '0'.repeat(40);
    const res = await handleWeChat(ev);
    assert.equal(res.statusCode, 401);
  });
});

describe('refusals have no side effects', () => {
  const members = () => dynamoMemberStore(table);

  test('bad signature → 401, member not written', async () => {
    const res = await handleWeChat(pushEvent(textXml('o_refused_sig', 'hi'), 'plain', { token: 'wrong-token' }));
    assert.equal(res.statusCode, 401);
    assert.equal(await members().get('o_refused_sig'), undefined);
  });

  test('stale timestamp (replay) → 401', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const res = await handleWeChat(pushEvent(textXml('o_refused_old', 'hi'), 'plain', { timestamp: old }));
    assert.equal(res.statusCode, 401);
    assert.equal(await members().get('o_refused_old'), undefined);
  });

  test('bad XML → 400 with a JSON error; DOCTYPE/entities → 400', async () => {
    for (const body of ['<xml><ToUserName>', 'not xml', '<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>']) {
      const ev = pushEvent(body);
      const res = await handleWeChat(ev);
      assert.equal(res.statusCode, 400, body);
      assert.ok(JSON.parse(String(res.body)).error);
    }
  });

  test('oversize body → 413', async () => {
    const res = await handleWeChat(pushEvent(textXml('o_refused_big', 'x'.repeat(70 * 1024))));
    assert.equal(res.statusCode, 413);
    assert.equal(await members().get('o_refused_big'), undefined);
  });
});

describe('member upsert', () => {
  test('subscribe from a parametric QR code records the scene and ticket; unsubscribe keeps the member, marked', async () => {
    const openid = 'o_member_1';
    const t0 = Math.floor(Date.now() / 1000);
    const res = await handleWeChat(pushEvent(eventXml(openid, 'subscribe', 'qrscene_summer', t0, { Ticket: 'TICKET123' })));
    assert.equal(replyOf(String(res.body)).Content, '欢迎 朋友！');
    let m = await dynamoMemberStore(table).get(openid);
    assert.equal(m?.subscribed, true);
    assert.equal(m?.source, 'summer');
    assert.equal(m?.sourceTicket, 'TICKET123');
    assert.ok(m?.lastEventAt);
    await handleWeChat(pushEvent(eventXml(openid, 'unsubscribe', '', t0 + 1)));
    m = await dynamoMemberStore(table).get(openid);
    assert.equal(m?.subscribed, false);
    assert.ok(m?.unsubscribedAt);
    assert.equal(m?.source, 'summer', 'kept after unsubscribe');
  });

  test('a message moves lastInteractionAt and lastMessageAt', async () => {
    const openid = 'o_member_2';
    await handleWeChat(pushEvent(textXml(openid, 'hi')));
    const m = await dynamoMemberStore(table).get(openid);
    assert.ok(m?.lastMessageAt);
    assert.equal(m?.lastInteractionAt, m?.lastMessageAt);
  });
});

describe('dedup through the handler', () => {
  test('a retry (same CreateTime and MsgId, fresh signature) gets the stored reply, not a fresh one', async () => {
    const xml = textXml('o_retry', 'hi', Math.floor(Date.now() / 1000), nextMsgId());
    const first = await handleWeChat(pushEvent(xml));
    assert.equal(replyOf(String(first.body)).Content, 'hello, level 普通, points 0');
    // The member changes between the deliveries: running the push again would answer "points 5".
    const { admin } = await loadHandlers();
    const granted = await admin('POST', '/admin/members/o_retry/points', { delta: 5, reason: 'test', idempotencyKey: 'retry-test' });
    assert.equal(granted.status, 201, JSON.stringify(granted.body));
    const second = await handleWeChat(pushEvent(xml));
    assert.equal(second.body, first.body);
    // A new push (another MsgId) is answered afresh.
    const fresh = await handleWeChat(pushEvent(textXml('o_retry', 'hi', Math.floor(Date.now() / 1000), nextMsgId())));
    assert.equal(replyOf(String(fresh.body)).Content, 'hello, level 普通, points 5');
  });
});
