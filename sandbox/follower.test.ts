import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptEnvelope } from '../lib/wechat/callback';
import { decodeAesKey } from '../lib/wechat/crypto';
import { buildXml } from '../lib/wechat/xml';
import { SERVICE_UNAVAILABLE } from './follower-routes';
import { createSandbox, type Sandbox } from './server';
import { startCoWechatCallback, type CoWechatCallback } from './testing/co-wechat-callback';
import { getJson, postJson, startStubCallback, type JsonObject } from './testing/http';

// The follower half of the sandbox, checked against an independent callback: co-wechat 2.4.0, a
// third-party implementation of WeChat's push protocol. If co-wechat accepts every push and the
// sandbox reads every co-wechat reply, the sandbox speaks WeChat's protocol, not only ours.
const CONFIG = { token: 'sandbox-token', appid: 'wx1234567890abcdef', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const ORIGINAL_ID = 'gh_5a4b3c2d1e0f';
const MODES = ['plain', 'aes', 'compat'] as const;

let callback: CoWechatCallback;
let sandbox: Sandbox;
let n = 0;
const freshOpenid = () => `oTest${String(++n).padStart(4, '0')}${'x'.repeat(19)}`;

before(async () => {
  callback = await startCoWechatCallback(CONFIG);
  sandbox = createSandbox({ callbackUrl: callback.url, originalId: ORIGINAL_ID });
  await sandbox.listen(0);
});
after(async () => {
  await sandbox.close();
  await callback.close();
});

const push = (openid: string, body: unknown) => postJson(`${sandbox.url}/sandbox/followers/${openid}/messages`, body);
const inbox = async (openid: string, afterSeq?: number) =>
  (await getJson(`${sandbox.url}/sandbox/followers/${openid}/inbox${afterSeq === undefined ? '' : `?after=${afterSeq}`}`)).json.entries as JsonObject[];
const lastReceived = () => callback.received[callback.received.length - 1]!;

describe('pushes accepted by co-wechat, replies decoded by the sandbox', () => {
  for (const mode of MODES) {
    test(`subscribe, text and click in ${mode} mode`, async () => {
      const openid = freshOpenid();
      const before = callback.received.length;

      const sub = await push(openid, { type: 'event', event: 'subscribe', eventKey: 'qrscene_spring', ticket: 'gQFT8DwAAAAAAAAAAS5odHRw', mode });
      assert.equal(sub.status, 200, JSON.stringify(sub.json));
      assert.equal(sub.json.error, undefined, sub.json.error);
      assert.match(sub.json.reply.content, /^欢迎关注/);
      assert.deepEqual(
        {
          type: lastReceived().message.MsgType,
          event: lastReceived().message.Event,
          key: lastReceived().message.EventKey,
          ticket: lastReceived().message.Ticket,
        },
        { type: 'event', event: 'subscribe', key: 'qrscene_spring', ticket: 'gQFT8DwAAAAAAAAAAS5odHRw' },
      );

      const text = await push(openid, { type: 'text', content: '你好 <b>&amp; 世界', mode });
      assert.equal(text.json.error, undefined, text.json.error);
      assert.deepEqual(text.json.reply, { msgType: 'text', createTime: text.json.reply.createTime, content: '收到：你好 <b>&amp; 世界' });
      const m = lastReceived().message;
      assert.equal(m.Content, '你好 <b>&amp; 世界');
      assert.equal(m.FromUserName, openid);
      assert.equal(m.ToUserName, ORIGINAL_ID);
      assert.equal(m.MsgId, text.json.push.msgId);

      const click = await push(openid, { type: 'click', key: 'SIGN_IN', mode });
      assert.equal(click.json.error, undefined, click.json.error);
      assert.match(click.json.reply.content, /^签到成功/);
      assert.equal(lastReceived().message.Event, 'CLICK');
      assert.equal(lastReceived().message.EventKey, 'SIGN_IN');

      assert.equal(callback.received.length, before + 3);
      assert.deepEqual(callback.refused, [], 'co-wechat refused a push');
      for (const r of callback.received.slice(before)) {
        assert.equal(r.query.openid, openid);
        assert.match(r.query.signature!, /^[0-9a-f]{40}$/);
        assert.match(r.query.timestamp!, /^\d{10}$/);
        if (mode === 'plain') {
          assert.equal(r.query.encrypt_type, undefined);
          assert.doesNotMatch(r.xml, /<Encrypt>/);
        } else {
          assert.equal(r.query.encrypt_type, 'aes');
          assert.match(r.query.msg_signature!, /^[0-9a-f]{40}$/);
        }
        if (mode === 'aes')
          assert.match(r.xml, /^<xml><ToUserName><!\[CDATA\[gh_5a4b3c2d1e0f\]\]><\/ToUserName><Encrypt><!\[CDATA\[[A-Za-z0-9+/]+=*\]\]><\/Encrypt><\/xml>$/);
        if (mode === 'compat')
          assert.match(r.xml, /<FromUserName><!\[CDATA\[o[^\]]+\]\]><\/FromUserName>.*<Encrypt><!\[CDATA\[[A-Za-z0-9+/]+=*\]\]><\/Encrypt><\/xml>$/);
      }
    });
  }

  test('news replies are decoded in every mode', async () => {
    for (const mode of MODES) {
      const openid = freshOpenid();
      const res = await push(openid, { type: 'text', content: '图文', mode });
      assert.equal(res.json.error, undefined, `${mode}: ${res.json.error}`);
      assert.equal(res.json.reply.msgType, 'news');
      assert.deepEqual(res.json.reply.articles, [
        {
          title: '本周会员日：满 100 减 20',
          description: '周五至周日，到店出示会员码即可使用。',
          picUrl: 'https://example.com/cover.jpg',
          url: 'https://example.com/member-day',
        },
      ]);
      const shown = (await inbox(openid)).find((e) => e.channel === 'passive')!;
      assert.deepEqual(shown.articles, res.json.reply.articles);
    }
  });

  test("co-wechat's millisecond CreateTime in replies is flagged, since WeChat expects seconds", async () => {
    const res = await push(freshOpenid(), { type: 'text', content: 'hi' });
    assert.ok(res.json.reply.createTime > 1e12, 'co-wechat writes Date.getTime()');
    assert.ok(
      res.json.warnings.some((w: string) => w.includes('milliseconds')),
      JSON.stringify(res.json.warnings),
    );
  });

  test('the URL check (GET with echostr) is answered by co-wechat', async () => {
    const res = await postJson(`${sandbox.url}/sandbox/verify-callback`, {});
    assert.equal(res.json.ok, true, JSON.stringify(res.json));
  });
});

describe('the push document is exactly what WeChat sends', () => {
  test('strings in CDATA, CreateTime in seconds, MsgId a bare 64-bit decimal beyond 2^53', async () => {
    const openid = freshOpenid();
    const t0 = Math.floor(Date.now() / 1000);
    const res = await push(openid, { type: 'text', content: '积分' });
    const { xml } = lastReceived();
    const m =
      /^<xml><ToUserName><!\[CDATA\[(gh_[0-9a-f]{12})\]\]><\/ToUserName><FromUserName><!\[CDATA\[(o\w+)\]\]><\/FromUserName><CreateTime>(\d+)<\/CreateTime><MsgType><!\[CDATA\[text\]\]><\/MsgType><Content><!\[CDATA\[积分\]\]><\/Content><MsgId>(\d+)<\/MsgId><\/xml>$/.exec(
        xml,
      );
    assert.ok(m, xml);
    assert.equal(m[2], openid);
    assert.ok(Math.abs(Number(m[3]) - t0) <= 5, `CreateTime ${m[3]} is seconds`);
    assert.ok(BigInt(m[4]!) > BigInt(Number.MAX_SAFE_INTEGER), `MsgId ${m[4]} exceeds 2^53`);
    assert.ok(BigInt(m[4]!) < 2n ** 64n);
    assert.equal(typeof res.json.push.msgId, 'string');
    assert.equal(res.json.push.msgId, m[4]);
    assert.equal(res.json.push.xml, xml);
  });

  test('a ]]> inside the text cannot end the CDATA early', async () => {
    // (co-wechat's own reply template does not split ]]>, so only the push direction is checked here.)
    for (const mode of MODES) {
      await push(freshOpenid(), { type: 'text', content: 'a]]>b<![CDATA[c]]>]]>', mode });
      assert.equal(lastReceived().message.Content, 'a]]>b<![CDATA[c]]>]]>', mode);
    }
  });

  test('events carry no MsgId; LOCATION carries bare coordinates', async () => {
    const openid = freshOpenid();
    await push(openid, { type: 'event', event: 'LOCATION', latitude: 31.2304, longitude: 121.4737, precision: 30 });
    const { xml, message } = lastReceived();
    assert.doesNotMatch(xml, /MsgId/);
    assert.match(
      xml,
      /<Event><!\[CDATA\[LOCATION\]\]><\/Event><Latitude>31\.230400<\/Latitude><Longitude>121\.473700<\/Longitude><Precision>30\.000000<\/Precision><\/xml>$/,
    );
    assert.equal(message.Latitude, '31.230400');
  });
});

describe('the follower phone', () => {
  test('the inbox shows both sides in order; ?after= returns only newer lines', async () => {
    const openid = freshOpenid();
    await push(openid, { type: 'event', event: 'subscribe' });
    await push(openid, { type: 'text', content: '一' });
    const all = await inbox(openid);
    assert.deepEqual(
      all.map((e) => [e.direction, e.channel, e.msgType, e.event ?? e.content.slice(0, 4)]),
      [
        ['out', 'push', 'event', 'subscribe'],
        ['in', 'passive', 'text', '欢迎关注'],
        ['out', 'push', 'text', '一'],
        ['in', 'passive', 'text', '收到：一'],
      ],
    );
    assert.ok(all.every((e, i) => i === 0 || e.seq > all[i - 1]!.seq));
    assert.equal(all[0]!.delivery.status, 200);
    const newer = await inbox(openid, all[1]!.seq);
    assert.deepEqual(
      newer.map((e) => e.seq),
      [all[2]!.seq, all[3]!.seq],
    );
    assert.deepEqual(await inbox(openid, all[3]!.seq), []);
    const listed = (await getJson(`${sandbox.url}/sandbox/followers`)).json.followers as JsonObject[];
    assert.equal(listed.find((f) => f.openid === openid)?.subscribed, true);
  });

  test('deliveries: N identical pushes at once (same CreateTime and MsgId, fresh nonce), one reply shown', async () => {
    const openid = freshOpenid();
    const before = callback.received.length;
    const res = await push(openid, { type: 'text', content: '重试', mode: 'aes', deliveries: 3 });
    const got = callback.received.slice(before);
    assert.equal(got.length, 3);
    assert.equal(new Set(got.map((r) => r.message.MsgId)).size, 1);
    assert.equal(new Set(got.map((r) => r.message.CreateTime)).size, 1);
    assert.equal(new Set(got.map((r) => r.query.nonce)).size, 3);
    assert.equal(res.json.attempts.length, 3);
    for (const a of res.json.attempts) assert.equal(a.reply.content, '收到：重试');
    const passive = (await inbox(openid)).filter((e) => e.channel === 'passive');
    assert.equal(passive.length, 1);
  });

  test('subscribe state: no double subscribe, nothing sent after unfollowing, no reply shown to an unfollower', async () => {
    const openid = freshOpenid();
    assert.equal((await push(openid, { type: 'event', event: 'subscribe' })).status, 200);
    const twice = await push(openid, { type: 'event', event: 'subscribe' });
    assert.equal(twice.status, 409);
    assert.match(twice.json.error, /already follows/);
    assert.equal((await push(openid, { type: 'event', event: 'unsubscribe' })).status, 200);
    const silent = await push(openid, { type: 'text', content: 'hello?' });
    assert.equal(silent.status, 409);
    assert.match(silent.json.error, /subscribe/);
    const last = (await inbox(openid)).at(-1)!;
    assert.deepEqual([last.direction, last.event], ['out', 'unsubscribe']);
    assert.equal((await push(openid, { type: 'event', event: 'subscribe' })).status, 200, 'following again works');
  });

  test('bad requests answer 400 with an error naming the field, never a stack trace', async () => {
    const cases: Array<[unknown, RegExp, boolean?]> = [
      ['{"type": "text",', /JSON/, true],
      [[1, 2], /JSON object/],
      [{ type: 'sticker' }, /"type"/],
      [{ type: 'text' }, /"content"/],
      [{ type: 'text', content: 42 }, /"content"/],
      [{ type: 'click' }, /"key"/],
      [{ type: 'event', event: 'DANCE' }, /"event"/],
      [{ type: 'event', event: 'VIEW' }, /"eventKey"/],
      [{ type: 'event', event: 'LOCATION', latitude: 'north' }, /"latitude"/],
      [{ type: 'text', content: 'x', mode: 'rsa' }, /"mode"/],
      [{ type: 'text', content: 'x', deliveries: 5 }, /"deliveries"/],
      [{ type: 'text', content: 'x', deliveries: 1.5 }, /"deliveries"/],
    ];
    for (const [body, field, raw] of cases) {
      const res = await postJson(`${sandbox.url}/sandbox/followers/oBad/messages`, body, raw);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.json.error, field, JSON.stringify(body));
      assert.doesNotMatch(res.json.error, /\n\s+at /);
    }
    const badId = await postJson(`${sandbox.url}/sandbox/followers/${encodeURIComponent('o<script>')}/messages`, { type: 'text', content: 'x' });
    assert.equal(badId.status, 400);
    assert.match(badId.json.error, /openid/);
    assert.equal((await getJson(`${sandbox.url}/sandbox/followers/oBad/inbox?after=-1`)).status, 400);
  });
});

describe('replies WeChat would not accept', () => {
  const key = decodeAesKey(CONFIG.encodingAESKey);
  const now = () => String(Math.floor(Date.now() / 1000));
  const textReply = (to: string, content = 'ok') =>
    buildXml({ ToUserName: to, FromUserName: ORIGINAL_ID, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content });
  let stub: Awaited<ReturnType<typeof startStubCallback>>;
  let strict: Sandbox;
  let answer: (openid: string) => { status?: number; body?: string; delayMs?: number } = () => ({});

  before(async () => {
    stub = await startStubCallback((_req, _body, query) => answer(query.get('openid') ?? ''));
    strict = createSandbox({ callbackUrl: stub.url, originalId: ORIGINAL_ID, callbackTimeoutMs: 300 });
    await strict.listen(0);
  });
  after(async () => {
    await strict.close();
    await stub.close();
  });
  const send = (openid: string, body: JsonObject) => postJson(`${strict.url}/sandbox/followers/${openid}/messages`, body);
  const shown = async (openid: string) =>
    ((await getJson(`${strict.url}/sandbox/followers/${openid}/inbox`)).json.entries as JsonObject[]).filter((e) => e.direction === 'in');

  const cases: Array<[string, 'plain' | 'aes' | 'compat', (openid: string) => { status?: number; body?: string; delayMs?: number }, RegExp]> = [
    ['a plaintext reply in safe mode', 'aes', (o) => ({ body: textReply(o) }), /safe mode needs an encrypted reply/],
    [
      'an encrypted reply with a wrong MsgSignature',
      'aes',
      (o) => ({
        body: encryptEnvelope(key, CONFIG.token, CONFIG.appid, textReply(o), now(), '123').replace(
          /<MsgSignature><!\[CDATA\[[0-9a-f]{40}/,
          `<MsgSignature><![CDATA[${'0'.repeat(40)}`,
        ),
      }),
      /MsgSignature/,
    ],
    [
      'an encrypted reply for another appid',
      'compat',
      (o) => ({ body: encryptEnvelope(key, CONFIG.token, 'wx0000000000000000', textReply(o), now(), '123') }),
      /appid-mismatch/,
    ],
    [
      'an encrypted reply to a plain push',
      'plain',
      (o) => ({ body: encryptEnvelope(key, CONFIG.token, CONFIG.appid, textReply(o), now(), '123') }),
      /plain-mode/,
    ],
    ['a reply to somebody else', 'plain', () => ({ body: textReply('oSomebodyElse') }), /ToUserName/],
    ['a reply that is not XML', 'plain', () => ({ body: '<xml><Content>unclosed' }), /not valid XML/],
    ['HTTP 500', 'plain', () => ({ status: 500, body: 'boom' }), /HTTP 500/],
    ['no answer within the timeout', 'plain', () => ({ delayMs: 2000 }), /no answer within 300 ms/],
  ];
  for (const [label, mode, make, expected] of cases) {
    test(`${label} is reported and the follower sees WeChat's notice`, async () => {
      const openid = freshOpenid();
      answer = make;
      const res = await send(openid, { type: 'text', content: 'hi', mode });
      assert.equal(res.status, 200);
      assert.match(res.json.error ?? '', expected);
      assert.equal(res.json.reply, null);
      const lines = await shown(openid);
      assert.deepEqual(
        lines.map((e) => [e.channel, e.content]),
        [['system', SERVICE_UNAVAILABLE]],
      );
    });
  }

  test('when one of several deliveries fails, the follower sees the good reply and no notice', async () => {
    const openid = freshOpenid();
    let seen = 0;
    answer = (o) => (++seen === 1 ? { status: 503 } : { body: textReply(o, '第二次才答') });
    const res = await send(openid, { type: 'text', content: 'hi', deliveries: 2 });
    assert.deepEqual(res.json.attempts.map((a: JsonObject) => a.status).sort(), [200, 503]);
    assert.equal(res.json.error, undefined);
    assert.equal(res.json.reply.content, '第二次才答');
    assert.deepEqual(
      (await shown(openid)).map((e) => [e.channel, e.content]),
      [['passive', '第二次才答']],
    );
  });

  test('a valid encrypted reply from our own lib is accepted; success and an empty body show nothing', async () => {
    const openid = freshOpenid();
    answer = (o) => ({ body: encryptEnvelope(key, CONFIG.token, CONFIG.appid, textReply(o, '加密回复'), now(), '456') });
    const good = await send(openid, { type: 'text', content: 'hi', mode: 'aes' });
    assert.equal(good.json.error, undefined, good.json.error);
    assert.equal(good.json.reply.content, '加密回复');
    assert.equal(good.json.warnings, undefined, 'seconds CreateTime, right FromUserName: nothing to warn about');
    for (const body of ['success', '']) {
      answer = () => ({ body });
      const res = await send(openid, { type: 'text', content: 'again' });
      assert.equal(res.json.reply, null);
      assert.equal(res.json.error, undefined);
    }
    assert.deepEqual(
      (await shown(openid)).map((e) => e.content),
      ['加密回复'],
    );
  });
});
