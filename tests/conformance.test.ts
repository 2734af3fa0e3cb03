/**
 * Conformance against an independent implementation of WeChat's callback protocol: the npm packages
 * `wechat-crypto` (WXBizMsgCrypt ported from Tencent's sample) and `co-wechat` (a koa middleware that
 * verifies, decrypts and parses pushes with xml2js and builds replies from its own template). Neither
 * shares code with lib/wechat, so agreement here means we speak the protocol, not just our own dialect.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { ruleInputSchema, type Rule } from '../lib/autoreply/rule';
import { encryptEnvelope, openPush, sealReply, type CallbackSecrets } from '../lib/wechat/callback';
import { decodeAesKey, decryptMessage, encryptMessage } from '../lib/wechat/crypto';
import { buildReplyXml, type Reply } from '../lib/wechat/reply';
import { signParts } from '../lib/wechat/signature';
import { parseXml, toXmlChars, type XmlObject } from '../lib/wechat/xml';
import { eventXml, httpEvent, pushEvent, textXml } from './support/pushes';
import { TEST_CONFIG, useTestTable } from './support/testTable';

// ---------------------------------------------------------------------------------------------
// The independent implementation (CommonJS, untyped: typed here by what their source does).
// ---------------------------------------------------------------------------------------------
const requireHere = createRequire(import.meta.url);
interface WXBizMsgCrypt {
  getSignature(timestamp: string, nonce: string, encrypt: string): string;
  encrypt(text: string): string;
  decrypt(text: string): { message: string; id: string };
}
const WXBizMsgCrypt = requireHere('wechat-crypto') as new (token: string, encodingAESKey: string, id: string) => WXBizMsgCrypt;

interface CoCtx {
  query: Record<string, string | undefined>;
  method: string;
  request: { body: string };
  status?: number;
  body?: unknown;
  type?: string;
}
type CoHandler = (message: Record<string, unknown>, ctx: CoCtx) => unknown;
const coWechat = requireHere('co-wechat') as (config: { token: string; appid?: string; encodingAESKey?: string }) => {
  middleware(handle: CoHandler): (ctx: CoCtx) => Promise<void>;
};
// co-wechat's own XML parser (its dependency, resolved from its location).
const xml2js = createRequire(requireHere.resolve('co-wechat'))('xml2js') as {
  parseString(xml: string, opts: { trim: boolean }, cb: (err: unknown, out: { xml: Record<string, string[]> }) => void): void;
};

function xml2jsFlat(xml: string): Record<string, string> {
  let result: Record<string, string> | undefined;
  xml2js.parseString(xml, { trim: true }, (err, out) => {
    if (err) throw err;
    result = Object.fromEntries(Object.entries(out.xml).map(([k, v]) => [k, String(v[0])]));
  });
  assert.ok(result, 'xml2js answered synchronously');
  return result;
}

/** WeChat's signature, computed here (not with signature.ts). */
function sha1Sorted(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

/** Runs a body through co-wechat's middleware as a POST; returns what its handler saw and what it answered. */
async function throughCoWechat(
  config: { token: string; appid?: string; encodingAESKey?: string },
  query: Record<string, string | undefined>,
  body: string,
  answer: unknown = '',
): Promise<{ status?: number; message?: Record<string, unknown>; reply?: string }> {
  let seen: Record<string, unknown> | undefined;
  const ctx: CoCtx = { query, method: 'POST', request: { body } };
  await coWechat(config).middleware((message) => {
    seen = message;
    return answer;
  })(ctx);
  return { status: ctx.status, message: seen, reply: typeof ctx.body === 'string' ? ctx.body : undefined };
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------
const SEED = 0x5eed_00c0;
/** Message text with Chinese, emoji, XML markup and the CDATA terminator. */
const messageText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 16 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom(']]>', ']]', '<', '>', '&', '&amp;', '<xml>', '</Content>', '<![CDATA[', '中文', '你好，世界', '😀', '👨‍👩‍👧', '\n', '\t', '"', "'"),
    ),
    { maxLength: 10 },
  )
  // Only characters XML can carry: the others are replaced by our serializer (see lib/wechat/xml.test.ts).
  .map((parts) => toXmlChars(parts.join('')));
const openidArb = fc.stringMatching(/^o[A-Za-z0-9_-]{27}$/);
const msgIdArb = fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }).map(String);
const appIdArb = fc.stringMatching(/^wx[0-9a-f]{16}$/);
const encodingAesKeyArb = fc.stringMatching(/^[A-Za-z0-9]{42}[AQgw]$/); // the 43rd char carries only 2 bits

/** An XML text node written independently of our buildXml: either entity-escaped or as split CDATA. */
function xmlText(s: string, style: 'entities' | 'cdata'): string {
  if (style === 'entities') return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function inboundText(openid: string, content: string, msgId: string, createTime: number, style: 'entities' | 'cdata'): string {
  return [
    '<xml>',
    `<ToUserName><![CDATA[gh_account]]></ToUserName>`,
    `<FromUserName><![CDATA[${openid}]]></FromUserName>`,
    `<CreateTime>${createTime}</CreateTime>`,
    `<MsgType><![CDATA[text]]></MsgType>`,
    `<Content>${xmlText(content, style)}</Content>`,
    `<MsgId>${msgId}</MsgId>`,
    '</xml>',
  ].join('\n');
}

/** A push as WeChat sends it in safe mode, encrypted and signed by wechat-crypto. */
function wxAesPush(crypt: WXBizMsgCrypt, token: string, xml: string, timestamp: string, nonce = String(randomBytes(4).readUInt32BE(0))) {
  const encrypt = crypt.encrypt(xml);
  const query = {
    signature: sha1Sorted(token, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: crypt.getSignature(timestamp, nonce, encrypt),
  };
  const body = `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { query, body, encrypt };
}

// ---------------------------------------------------------------------------------------------
// Published vectors
// ---------------------------------------------------------------------------------------------
describe('published vectors', () => {
  // Tencent's WXBizMsgCrypt sample for Official Accounts (Sample.py by jonyqin, 2014; the same values
  // appear in the PHP/Java/C# samples and are quoted by many ports).
  const sample = {
    token: 'spamtest',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    appId: 'wx2c2769f8efd9abc2',
    timestamp: '1409735669',
    nonce: '1320562132',
    msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
    encrypt:
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
    // The sample's `from_xml`: compatible mode, plain fields next to Encrypt.
    fromXml:
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>',
    // Its decryption, as published alongside the sample by ports that test against it.
    plaintext:
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
    // The plain `signature` of the same request (token, timestamp, nonce), quoted with the sample.
    signature: '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a',
  };

  test('WXBizMsgCrypt sample: signParts reproduces msg_signature and signature; wechat-crypto agrees', () => {
    assert.equal(signParts([sample.token, sample.timestamp, sample.nonce, sample.encrypt]), sample.msgSignature);
    assert.equal(signParts([sample.token, sample.timestamp, sample.nonce]), sample.signature);
    assert.equal(
      new WXBizMsgCrypt(sample.token, sample.encodingAesKey, sample.appId).getSignature(sample.timestamp, sample.nonce, sample.encrypt),
      sample.msgSignature,
    );
  });

  test('WXBizMsgCrypt sample: decrypts to the published plaintext and appid, as wechat-crypto does', () => {
    const ours = decryptMessage(decodeAesKey(sample.encodingAesKey), sample.encrypt);
    assert.deepEqual(ours, { message: sample.plaintext, appId: sample.appId });
    const theirs = new WXBizMsgCrypt(sample.token, sample.encodingAesKey, sample.appId).decrypt(sample.encrypt);
    assert.deepEqual(theirs, { message: sample.plaintext, id: sample.appId });
  });

  test('WXBizMsgCrypt sample: openPush accepts the sample request (compatible mode) at its own time', () => {
    const secrets: CallbackSecrets = { token: sample.token, appId: sample.appId, aesKeys: [decodeAesKey(sample.encodingAesKey)], messageMode: 'compat' };
    const query = { signature: sample.signature, timestamp: sample.timestamp, nonce: sample.nonce, encrypt_type: 'aes', msg_signature: sample.msgSignature };
    const r = openPush(query, sample.fromXml, secrets, Number(sample.timestamp) * 1000);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.mode, 'aes');
    assert.equal(r.message.openid, 'oyORnuP8q7ou2gfYjqLzSIWZf0rs');
    assert.equal(r.message.toUser, 'gh_10f6c3c3ac5a');
    assert.equal(r.message.createTime, 1409735668);
    assert.ok(r.message.kind === 'text');
    assert.equal(r.message.content, 'abcdteT');
    assert.equal(r.message.msgId, '6054768590064713728');
    // One character of msg_signature changed: refused.
    const bad = openPush({ ...query, msg_signature: sample.msgSignature.replace(/^5/, '6') }, sample.fromXml, secrets, Number(sample.timestamp) * 1000);
    assert.equal(!bad.ok && bad.status, 401);
  });

  test('WXBizMsgCrypt sample: co-wechat accepts the same request and reads the same message', async () => {
    const query = { signature: sample.signature, timestamp: sample.timestamp, nonce: sample.nonce, encrypt_type: 'aes', msg_signature: sample.msgSignature };
    const seen = await throughCoWechat({ token: sample.token, appid: sample.appId, encodingAESKey: sample.encodingAesKey }, query, sample.fromXml);
    assert.equal(seen.status, undefined, 'co-wechat did not refuse it');
    assert.equal(seen.message?.Content, 'abcdteT');
    assert.equal(seen.message?.MsgId, '6054768590064713728');
  });

  test('DESIGN.md encrypt vector: wechat-crypto decrypts it to the same message and appid', () => {
    const out = new WXBizMsgCrypt('spamtest', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'wxb11529c136998cb6').decrypt(
      'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
    );
    assert.deepEqual(out, { message: '我是中文abcd123', id: 'wxb11529c136998cb6' });
  });
});

// ---------------------------------------------------------------------------------------------
// Crypto both ways, property-based
// ---------------------------------------------------------------------------------------------
describe('wechat-crypto → ours', () => {
  test('what wechat-crypto encrypts and signs, openPush accepts and decrypts to the same XML (property)', () => {
    fc.assert(
      fc.property(
        messageText,
        openidArb,
        msgIdArb,
        appIdArb,
        encodingAesKeyArb,
        fc.constantFrom('entities' as const, 'cdata' as const),
        (content, openid, msgId, appId, aesKey, style) => {
          const token = `tok${appId.slice(2, 8)}`;
          const now = 1_714_036_504_000;
          const xml = inboundText(openid, content, msgId, now / 1000 - 1, style);
          const { query, body, encrypt } = wxAesPush(new WXBizMsgCrypt(token, aesKey, appId), token, xml, String(now / 1000));
          assert.deepEqual(decryptMessage(decodeAesKey(aesKey), encrypt), { message: xml, appId });
          const r = openPush(query, body, { token, appId, aesKeys: [decodeAesKey(aesKey)], messageMode: 'safe' }, now);
          assert.ok(r.ok, JSON.stringify(r));
          assert.equal(r.mode, 'aes');
          assert.ok(r.message.kind === 'text');
          assert.equal(r.message.content, content);
          assert.equal(r.message.openid, openid);
          assert.equal(r.message.msgId, msgId);
          assert.equal(r.message.createTime, now / 1000 - 1);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('rotation: a push wechat-crypto encrypted with the previous EncodingAESKey is accepted with [new, old]', () => {
    const token = 'rot-token';
    const appId = 'wx00000000000000aa';
    const oldKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const newKey = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const now = 1_714_036_504_000;
    const { query, body } = wxAesPush(
      new WXBizMsgCrypt(token, oldKey, appId),
      token,
      inboundText('oRot', '旧钥匙', '1', now / 1000, 'cdata'),
      String(now / 1000),
    );
    const r = openPush(query, body, { token, appId, aesKeys: [decodeAesKey(newKey), decodeAesKey(oldKey)], messageMode: 'safe' }, now);
    assert.ok(r.ok && r.message.kind === 'text' && r.message.content === '旧钥匙', JSON.stringify(r));
  });
});

describe('ours → wechat-crypto', () => {
  test('encryptMessage: wechat-crypto decrypts to the same message and appid (property)', () => {
    fc.assert(
      fc.property(messageText, appIdArb, encodingAesKeyArb, (message, appId, aesKey) => {
        const encrypted = encryptMessage(decodeAesKey(aesKey), appId, message);
        assert.deepEqual(new WXBizMsgCrypt('t', aesKey, appId).decrypt(encrypted), { message, id: appId });
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  test("encryptEnvelope and sealReply: co-wechat's xml2js reads the envelope, wechat-crypto verifies MsgSignature and decrypts (property)", () => {
    fc.assert(
      fc.property(
        messageText,
        appIdArb,
        encodingAesKeyArb,
        fc.stringMatching(/^[0-9A-Za-z]{1,16}$/),
        fc.boolean(),
        (content, appId, aesKey, nonce, viaSeal) => {
          const token = `tk-${nonce}`;
          const now = 1_714_036_504_321;
          const replyXml = buildReplyXml({ type: 'text', content }, 'oFollower', 'gh_account', now);
          const sealed = viaSeal
            ? sealReply(replyXml, 'aes', { token, appId, aesKeys: [decodeAesKey(aesKey)], messageMode: 'safe' }, now, nonce)
            : encryptEnvelope(decodeAesKey(aesKey), token, appId, replyXml, '1714036504', nonce);
          const env = xml2jsFlat(sealed);
          assert.deepEqual(Object.keys(env), ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']);
          assert.equal(env.TimeStamp, '1714036504');
          assert.equal(env.Nonce, nonce);
          const crypt = new WXBizMsgCrypt(token, aesKey, appId);
          assert.equal(crypt.getSignature(env.TimeStamp!, env.Nonce!, env.Encrypt!), env.MsgSignature);
          assert.deepEqual(crypt.decrypt(env.Encrypt!), { message: replyXml, id: appId });
        },
      ),
      { seed: SEED + 2, numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Replies: ours read by co-wechat, co-wechat's read by ours
// ---------------------------------------------------------------------------------------------
const CO_PLAIN = { token: TEST_CONFIG.WECHAT_TOKEN };
const CO_AES = { token: TEST_CONFIG.WECHAT_TOKEN, appid: TEST_CONFIG.WECHAT_APPID, encodingAESKey: TEST_CONFIG.WECHAT_ENCODING_AES_KEY };

/**
 * Hands one of our replies to co-wechat as if it were a push: co-wechat checks the signature (its own
 * sha1 in plain mode, wechat-crypto's msg_signature in aes mode), decrypts and parses it with xml2js.
 */
async function coWechatReads(replyBody: string, mode: 'plain' | 'aes'): Promise<Record<string, unknown>> {
  let query: Record<string, string>;
  if (mode === 'plain') {
    const timestamp = '1714036504';
    const nonce = '42';
    query = { signature: sha1Sorted(TEST_CONFIG.WECHAT_TOKEN, timestamp, nonce), timestamp, nonce };
  } else {
    const env = xml2jsFlat(replyBody);
    query = { timestamp: env.TimeStamp!, nonce: env.Nonce!, encrypt_type: 'aes', msg_signature: env.MsgSignature! };
    // The appid tail, which co-wechat does not check, is checked here with wechat-crypto.
    assert.equal(new WXBizMsgCrypt(CO_AES.token, CO_AES.encodingAESKey, CO_AES.appid).decrypt(env.Encrypt!).id, TEST_CONFIG.WECHAT_APPID);
  }
  const seen = await throughCoWechat(mode === 'plain' ? CO_PLAIN : CO_AES, query, replyBody);
  assert.equal(seen.status, undefined, `co-wechat refused our ${mode} reply: ${replyBody.slice(0, 200)}`);
  assert.ok(seen.message, 'co-wechat parsed it');
  return seen.message;
}

function assertHead(m: Record<string, unknown>, openid: string, msgType: string): void {
  assert.equal(m.ToUserName, openid);
  assert.equal(m.FromUserName, 'gh_account');
  assert.equal(m.MsgType, msgType);
  const t = Number(m.CreateTime);
  assert.ok(Number.isInteger(t) && Math.abs(t - Date.now() / 1000) < 60, `CreateTime ${String(m.CreateTime)} is in seconds`);
}

let handleWeChat: typeof import('../handlers/wechat').handler;
const PREVIOUS_AES_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

function rule(id: string, input: unknown): Rule {
  return { ...ruleInputSchema.parse(input), id, updatedAt: new Date().toISOString() };
}

describe("our handler's replies, read by co-wechat", () => {
  before(async () => {
    const table = await useTestTable({ WECHAT_PREVIOUS_ENCODING_AES_KEY: PREVIOUS_AES_KEY });
    const rules = dynamoRuleStore(table);
    await rules.put(rule('text', { match: { type: 'exact', pattern: 'text' }, reply: { type: 'text', content: '中文 😀 ]]> <b>&amp;</b> end' } }));
    await rules.put(
      rule('news', {
        match: { type: 'exact', pattern: 'news' },
        reply: {
          type: 'news',
          articles: [
            { title: '今日菜单', description: '红烧肉', picUrl: 'https://example.com/p.jpg', url: 'https://example.com/m?a=1&b=2' },
            { title: 'Second' },
          ],
        },
      }),
    );
    await rules.put(rule('image', { match: { type: 'exact', pattern: 'image' }, reply: { type: 'image', mediaId: 'MEDIA_ID_123' } }));
    await rules.put(rule('welcome', { match: { type: 'subscribe' }, reply: { type: 'text', content: '欢迎 {nickname}' } }));
    ({ handler: handleWeChat } = await import('../handlers/wechat'));
  });

  /** A push for the handler, built and (in aes mode) encrypted and signed by wechat-crypto. */
  function wxPushEvent(xml: string, mode: 'plain' | 'aes', aesKey: string = TEST_CONFIG.WECHAT_ENCODING_AES_KEY): APIGatewayProxyEventV2 {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    if (mode === 'plain') return httpEvent('POST', '/wechat', { signature: sha1Sorted(TEST_CONFIG.WECHAT_TOKEN, timestamp, nonce), timestamp, nonce }, xml);
    const { query, body } = wxAesPush(
      new WXBizMsgCrypt(TEST_CONFIG.WECHAT_TOKEN, aesKey, TEST_CONFIG.WECHAT_APPID),
      TEST_CONFIG.WECHAT_TOKEN,
      xml,
      timestamp,
      nonce,
    );
    return httpEvent('POST', '/wechat', query, body);
  }

  let seq = 0;
  const now = () => Math.floor(Date.now() / 1000);
  for (const mode of ['plain', 'aes'] as const) {
    test(`${mode}: text reply (Chinese, emoji, ]]>)`, async () => {
      const openid = `o_conf_${mode}_text_${++seq}`;
      const res = await handleWeChat(wxPushEvent(inboundText(openid, 'text', `9${Date.now()}${seq}`, now(), 'cdata'), mode));
      assert.equal(res.statusCode, 200);
      const m = await coWechatReads(String(res.body), mode);
      assertHead(m, openid, 'text');
      assert.equal(m.Content, '中文 😀 ]]> <b>&amp;</b> end');
    });

    test(`${mode}: news reply`, async () => {
      const openid = `o_conf_${mode}_news_${++seq}`;
      const res = await handleWeChat(wxPushEvent(inboundText(openid, 'news', `9${Date.now()}${seq}`, now(), 'entities'), mode));
      const m = await coWechatReads(String(res.body), mode);
      assertHead(m, openid, 'news');
      assert.equal(m.ArticleCount, '2');
      const items = (m.Articles as { item: Array<Record<string, string>> }).item;
      assert.deepEqual(items, [
        { Title: '今日菜单', Description: '红烧肉', PicUrl: 'https://example.com/p.jpg', Url: 'https://example.com/m?a=1&b=2' },
        { Title: 'Second', Description: '', PicUrl: '', Url: '' },
      ]);
    });

    test(`${mode}: image reply`, async () => {
      const openid = `o_conf_${mode}_image_${++seq}`;
      const res = await handleWeChat(wxPushEvent(inboundText(openid, 'image', `9${Date.now()}${seq}`, now(), 'cdata'), mode));
      const m = await coWechatReads(String(res.body), mode);
      assertHead(m, openid, 'image');
      assert.deepEqual(m.Image, { MediaId: 'MEDIA_ID_123' });
    });

    test(`${mode}: subscribe event gets the welcome`, async () => {
      const openid = `o_conf_${mode}_sub_${++seq}`;
      const xml = `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>`;
      const res = await handleWeChat(wxPushEvent(xml, mode));
      const m = await coWechatReads(String(res.body), mode);
      assertHead(m, openid, 'text');
      assert.equal(m.Content, '欢迎 朋友');
    });
  }

  test('aes: a push encrypted with the previous EncodingAESKey is answered, encrypted with the current one', async () => {
    const openid = `o_conf_rotation_${++seq}`;
    const res = await handleWeChat(wxPushEvent(inboundText(openid, 'text', `9${Date.now()}${seq}`, now(), 'cdata'), 'aes', PREVIOUS_AES_KEY));
    assert.equal(res.statusCode, 200, String(res.body));
    const m = await coWechatReads(String(res.body), 'aes'); // co-wechat is configured with the current key only
    assertHead(m, openid, 'text');
  });

  test('transfer_customer_service, voice, video, music via buildReplyXml + sealReply, both modes', async () => {
    const secrets: CallbackSecrets = {
      token: TEST_CONFIG.WECHAT_TOKEN,
      appId: TEST_CONFIG.WECHAT_APPID,
      aesKeys: [decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY)],
      messageMode: 'compat',
    };
    const cases: Array<[Reply, string, (m: Record<string, unknown>) => void]> = [
      [{ type: 'transfer_customer_service' }, 'transfer_customer_service', (m) => assert.equal(m.TransInfo, undefined)],
      [
        { type: 'transfer_customer_service', kfAccount: 'kf2001@gh_account' },
        'transfer_customer_service',
        (m) => assert.deepEqual(m.TransInfo, { KfAccount: 'kf2001@gh_account' }),
      ],
      [{ type: 'voice', mediaId: 'V1' }, 'voice', (m) => assert.deepEqual(m.Voice, { MediaId: 'V1' })],
      [
        { type: 'video', mediaId: 'M1', title: '标题', description: 'd' },
        'video',
        (m) => assert.deepEqual(m.Video, { MediaId: 'M1', Title: '标题', Description: 'd' }),
      ],
      [
        { type: 'music', title: 'Song', musicUrl: 'https://e.x/a.mp3', thumbMediaId: 'TH' },
        'music',
        (m) => assert.deepEqual(m.Music, { Title: 'Song', MusicUrl: 'https://e.x/a.mp3', HQMusicUrl: 'https://e.x/a.mp3', ThumbMediaId: 'TH' }),
      ],
    ];
    for (const mode of ['plain', 'aes'] as const) {
      for (const [reply, msgType, check] of cases) {
        const xml = buildReplyXml(reply, 'oKf', 'gh_account', Date.now());
        const m = await coWechatReads(sealReply(xml, mode, secrets, Date.now()), mode);
        assertHead(m, 'oKf', msgType);
        check(m);
      }
    }
  });

  test('any text reply, sealed, reads back through co-wechat (property)', async () => {
    const secrets: CallbackSecrets = {
      token: TEST_CONFIG.WECHAT_TOKEN,
      appId: TEST_CONFIG.WECHAT_APPID,
      aesKeys: [decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY)],
      messageMode: 'compat',
    };
    await fc.assert(
      fc.asyncProperty(messageText, openidArb, fc.constantFrom('plain' as const, 'aes' as const), async (content, openid, mode) => {
        const xml = buildReplyXml({ type: 'text', content }, openid, 'gh_account', Date.now());
        const m = await coWechatReads(sealReply(xml, mode, secrets, Date.now()), mode);
        // xml2js (trim: true) and co-wechat trim text; the rest must be byte for byte.
        assert.equal(m.Content, content.trim());
        assert.equal(m.ToUserName, openid);
      }),
      { seed: SEED + 3, numRuns: 200 },
    );
  });

  test('the pushes our test support builds (as the sandbox does) are accepted by co-wechat in every mode', async () => {
    for (const mode of ['plain', 'aes', 'compat'] as const) {
      for (const xml of [textXml('o_support', '你好 ]]> & <'), eventXml('o_support', 'subscribe', 'qrscene_x', undefined, { Ticket: 'T' })]) {
        const ev = pushEvent(xml, mode);
        const seen = await throughCoWechat(CO_AES, ev.queryStringParameters!, ev.body!);
        assert.equal(seen.status, undefined, `co-wechat refused our ${mode} push`);
        assert.equal(seen.message?.FromUserName, 'o_support');
      }
    }
  });
});

describe("co-wechat's replies, read by ours", () => {
  const now = () => String(Math.floor(Date.now() / 1000));

  async function coWechatReply(mode: 'plain' | 'aes', answer: unknown, openid = 'oCoUser'): Promise<string> {
    const inbound = inboundText(openid, 'hello', '24000000000000000001', Number(now()), 'cdata');
    const timestamp = now();
    const nonce = '777';
    if (mode === 'plain') {
      const out = await throughCoWechat(CO_PLAIN, { signature: sha1Sorted(CO_PLAIN.token, timestamp, nonce), timestamp, nonce }, inbound, answer);
      assert.ok(out.reply, 'co-wechat replied');
      return out.reply;
    }
    const crypt = new WXBizMsgCrypt(CO_AES.token, CO_AES.encodingAESKey, CO_AES.appid);
    const { query, body } = wxAesPush(crypt, CO_AES.token, inbound, timestamp, nonce);
    const out = await throughCoWechat(CO_AES, query, body, answer);
    assert.ok(out.reply, 'co-wechat replied');
    return out.reply;
  }

  /** Our side of reading a reply: verify and decrypt an envelope with our own code, then parse. */
  function oursRead(reply: string, mode: 'plain' | 'aes'): XmlObject {
    if (mode === 'plain') return parseXml(reply).value;
    const env = parseXml(reply).value;
    assert.equal(env.MsgSignature, signParts([TEST_CONFIG.WECHAT_TOKEN, String(env.TimeStamp), String(env.Nonce), String(env.Encrypt)]));
    const inner = decryptMessage(decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY), String(env.Encrypt));
    assert.equal(inner.appId, TEST_CONFIG.WECHAT_APPID);
    return parseXml(inner.message).value;
  }

  for (const mode of ['plain', 'aes'] as const) {
    test(`${mode}: text, news, music, image, voice, video, customer service`, async () => {
      const t = oursRead(await coWechatReply(mode, '中文 😀 <b>&</b>', 'oA'), mode);
      assert.equal(t.ToUserName, 'oA');
      assert.equal(t.FromUserName, 'gh_account');
      assert.equal(t.MsgType, 'text');
      assert.equal(t.Content, '中文 😀 <b>&</b>');

      const n = oursRead(
        await coWechatReply(mode, [
          { title: '菜单', description: 'd', picUrl: 'https://e.x/p', url: 'https://e.x/?a=1&b=2' },
          { title: 'B', description: '', url: '' },
        ]),
        mode,
      );
      assert.equal(n.MsgType, 'news');
      assert.equal(n.ArticleCount, '2');
      const items = (n.Articles as XmlObject).item as XmlObject[];
      assert.deepEqual({ ...items[0] }, { Title: '菜单', Description: 'd', PicUrl: 'https://e.x/p', Url: 'https://e.x/?a=1&b=2' });
      assert.deepEqual({ ...items[1] }, { Title: 'B', Description: '', PicUrl: '', Url: '' });

      const mu = oursRead(
        await coWechatReply(mode, { title: 'Song', description: 'D', musicUrl: 'https://e.x/a.mp3', hqMusicUrl: 'https://e.x/hq.mp3' }),
        mode,
      );
      assert.equal(mu.MsgType, 'music');
      assert.deepEqual({ ...(mu.Music as XmlObject) }, { Title: 'Song', Description: 'D', MusicUrl: 'https://e.x/a.mp3', HQMusicUrl: 'https://e.x/hq.mp3' });

      for (const type of ['image', 'voice'] as const) {
        const r = oursRead(await coWechatReply(mode, { type, content: { mediaId: `${type}-id` } }), mode);
        assert.equal(r.MsgType, type);
        const el = r[type === 'image' ? 'Image' : 'Voice'] as XmlObject;
        assert.equal(el.MediaId, `${type}-id`);
      }

      const v = oursRead(await coWechatReply(mode, { type: 'video', content: { mediaId: 'vid', title: '标题', description: 'dd' } }), mode);
      assert.deepEqual({ ...(v.Video as XmlObject) }, { MediaId: 'vid', Title: '标题', Description: 'dd' });

      const kf = oursRead(await coWechatReply(mode, { type: 'customerService', kfAccount: 'kf1@gh' }), mode);
      assert.equal(kf.MsgType, 'transfer_customer_service');
      assert.equal((kf.TransInfo as XmlObject).KfAccount, 'kf1@gh');
    });
  }

  test('any text co-wechat can write (no ]]>, which its template does not escape), ours reads exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        messageText.filter((s) => !s.includes(']]>')),
        openidArb,
        fc.constantFrom('plain' as const, 'aes' as const),
        async (content, openid, mode) => {
          fc.pre(content !== '');
          const r = oursRead(await coWechatReply(mode, content, openid), mode);
          assert.equal(r.Content, content);
          assert.equal(r.ToUserName, openid);
        },
      ),
      { seed: SEED + 4, numRuns: 200 },
    );
  });
});
