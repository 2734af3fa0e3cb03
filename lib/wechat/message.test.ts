import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dedupKey, InboundFormatError, toInboundMessage, type InboundMessage } from './message';
import { parseXml, type XmlObject } from './xml';

const SEED = 0x5eed_0002;

/** Inbound pushes written by hand, the way WeChat's documentation shows them (not with our buildXml). */
function push(fields: Record<string, string>): XmlObject {
  const body = Object.entries(fields)
    .map(([k, v]) => (/^\d+$/.test(v) ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
    .join('\n');
  return parseXml(`<xml>\n${body}\n</xml>`).value;
}

const base = { ToUserName: 'gh_account', FromUserName: 'oUser1', CreateTime: '1714036504' };

describe('toInboundMessage', () => {
  test('a text message keeps a 64-bit MsgId exactly, as a string', () => {
    const msgId = '24000000000000000123'; // > 2^64 even; 2^53 = 9007199254740992
    const m = toInboundMessage(push({ ...base, MsgType: 'text', Content: '你好 😀', MsgId: msgId }));
    assert.equal(m.kind, 'text');
    assert.ok(m.kind === 'text');
    assert.equal(typeof m.msgId, 'string');
    assert.equal(m.msgId, msgId);
    assert.notEqual(String(Number(msgId)), msgId, 'a number would have lost digits');
    assert.equal(m.content, '你好 😀');
    assert.equal(m.openid, 'oUser1');
    assert.equal(m.toUser, 'gh_account');
    assert.equal(m.createTime, 1714036504);
  });

  test('MsgId beyond 2^53 survives for any 64-bit value (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }), (id) => {
        const m = toInboundMessage(push({ ...base, MsgType: 'text', Content: 'x', MsgId: String(id) }));
        assert.ok(m.kind === 'text');
        assert.equal(BigInt(m.msgId), id);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  test('media kinds carry their MsgId; a text without Content has empty content', () => {
    for (const kind of ['image', 'voice', 'video', 'shortvideo', 'location', 'link'] as const) {
      const m = toInboundMessage(push({ ...base, MsgType: kind, MsgId: '6054768590064713728' }));
      assert.equal(m.kind, kind);
      assert.equal(m.msgId, '6054768590064713728');
    }
    const t = toInboundMessage(push({ ...base, MsgType: 'text', MsgId: '1' }));
    assert.ok(t.kind === 'text');
    assert.equal(t.content, '');
  });

  test('subscribe from a parametric QR code: EventKey and Ticket', () => {
    const m = toInboundMessage(push({ ...base, MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_summer', Ticket: 'TICKET123' }));
    assert.ok(m.kind === 'event');
    assert.equal(m.event, 'subscribe');
    assert.equal(m.eventKey, 'qrscene_summer');
    assert.equal(m.ticket, 'TICKET123');
  });

  test('events without EventKey or Ticket: empty key, no ticket property', () => {
    const m = toInboundMessage(push({ ...base, MsgType: 'event', Event: 'unsubscribe' }));
    assert.ok(m.kind === 'event');
    assert.equal(m.eventKey, '');
    assert.equal('ticket' in m, false);
    // An empty <EventKey/> as WeChat sends for a plain subscribe.
    const s = toInboundMessage(
      parseXml(
        '<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe</Event><EventKey/></xml>',
      ).value,
    );
    assert.ok(s.kind === 'event');
    assert.equal(s.eventKey, '');
  });

  test('event names are kept as sent (SCAN, CLICK, TEMPLATESENDJOBFINISH)', () => {
    for (const [event, key] of [
      ['SCAN', '123'],
      ['CLICK', 'MY_ACCOUNT'],
      ['VIEW', 'https://example.com/a?b=1&c=2'],
      ['LOCATION', ''],
      ['TEMPLATESENDJOBFINISH', ''],
    ]) {
      const m = toInboundMessage(push({ ...base, MsgType: 'event', Event: event!, EventKey: key! }));
      assert.ok(m.kind === 'event');
      assert.equal(m.event, event);
      assert.equal(m.eventKey, key);
    }
  });

  test('the raw XML is kept for fields the core does not model', () => {
    const m = toInboundMessage(
      push({ ...base, MsgType: 'event', Event: 'MASSSENDJOBFINISH', MsgID: '1000001625', Status: 'send success', TotalCount: '100', SentCount: '99' }),
    );
    assert.equal(m.raw.MsgID, '1000001625');
    assert.equal(m.raw.TotalCount, '100');
  });

  const bad: Array<[string, XmlObject, RegExp]> = [
    ['missing ToUserName', { FromUserName: 'o', CreateTime: '1', MsgType: 'text' }, /ToUserName/],
    ['missing FromUserName', { ToUserName: 'gh', CreateTime: '1', MsgType: 'text' }, /FromUserName/],
    ['empty FromUserName', { ToUserName: 'gh', FromUserName: '', CreateTime: '1', MsgType: 'text' }, /FromUserName/],
    ['FromUserName that is an element, not text', { ToUserName: 'gh', FromUserName: { x: 'o' }, CreateTime: '1', MsgType: 'text' }, /FromUserName/],
    ['FromUserName repeated', { ToUserName: 'gh', FromUserName: ['a', 'b'], CreateTime: '1', MsgType: 'text' }, /FromUserName/],
    ['missing CreateTime', { ToUserName: 'gh', FromUserName: 'o', MsgType: 'text' }, /CreateTime/],
    ['CreateTime not a number', { ToUserName: 'gh', FromUserName: 'o', CreateTime: 'yesterday', MsgType: 'text' }, /CreateTime/],
    ['CreateTime negative', { ToUserName: 'gh', FromUserName: 'o', CreateTime: '-5', MsgType: 'text' }, /CreateTime/],
    ['CreateTime fractional', { ToUserName: 'gh', FromUserName: 'o', CreateTime: '1.5', MsgType: 'text' }, /CreateTime/],
    ['CreateTime beyond 2^53', { ToUserName: 'gh', FromUserName: 'o', CreateTime: '9007199254740993', MsgType: 'text' }, /CreateTime/],
    ['FromUserName longer than 128', { ToUserName: 'gh', FromUserName: 'o'.repeat(129), CreateTime: '1', MsgType: 'text' }, /too long/],
    ['missing MsgType', { ToUserName: 'gh', FromUserName: 'o', CreateTime: '1' }, /MsgType/],
    ['unknown MsgType', { ToUserName: 'gh', FromUserName: 'o', CreateTime: '1', MsgType: 'telegram' }, /unknown MsgType/],
    ['event without Event', { ToUserName: 'gh', FromUserName: 'o', CreateTime: '1', MsgType: 'event' }, /Event/],
  ];
  for (const [what, xml, pattern] of bad) {
    test(`refused: ${what}`, () => {
      assert.throws(
        () => toInboundMessage(xml),
        (e: unknown) => e instanceof InboundFormatError && pattern.test(e.message),
      );
    });
  }

  test('the unknown-MsgType message echoes at most 32 characters of it', () => {
    try {
      toInboundMessage({ ToUserName: 'gh', FromUserName: 'o', CreateTime: '1', MsgType: 'x'.repeat(1000) });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof InboundFormatError);
      assert.ok(e.message.length < 64, e.message);
    }
  });

  test('an openid of exactly 128 characters is accepted', () => {
    assert.equal(toInboundMessage({ ...base, FromUserName: 'o'.repeat(128), MsgType: 'text' }).openid.length, 128);
  });
});

describe('dedupKey', () => {
  // Built as parsed objects directly, so any EventKey (even one containing `]]>`) is representable.
  const text = (openid: string, createTime: string, msgId: string) =>
    toInboundMessage({ ...base, FromUserName: openid, CreateTime: createTime, MsgType: 'text', Content: 'x', MsgId: msgId });
  const event = (openid: string, createTime: string, ev: string, key: string) =>
    toInboundMessage({ ...base, FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: ev, EventKey: key });

  test('two followers with the same MsgId and CreateTime get different keys', () => {
    assert.notEqual(dedupKey(text('oA', '1714036504', '24000000000000000001')), dedupKey(text('oB', '1714036504', '24000000000000000001')));
  });

  test('MsgIds that are equal as doubles stay distinct', () => {
    const a = '24000000000000000001';
    const b = '24000000000000000002';
    assert.equal(Number(a), Number(b), 'the premise: doubles cannot tell them apart');
    assert.notEqual(dedupKey(text('oA', '1', a)), dedupKey(text('oA', '1', b)));
  });

  test('a retry (same push, another delivery) gets the same key; the content does not matter', () => {
    const a = toInboundMessage(push({ ...base, MsgType: 'text', Content: 'first', MsgId: '42' }));
    const b = toInboundMessage(push({ ...base, MsgType: 'text', Content: 'first', MsgId: '42' }));
    assert.equal(dedupKey(a), dedupKey(b));
  });

  test('events: the key includes Event and EventKey, so two clicks in the same second on different buttons are two effects', () => {
    assert.notEqual(dedupKey(event('oA', '1', 'CLICK', 'SIGN_IN')), dedupKey(event('oA', '1', 'CLICK', 'MY_ACCOUNT')));
    assert.notEqual(dedupKey(event('oA', '1', 'subscribe', '')), dedupKey(event('oA', '1', 'unsubscribe', '')));
    assert.notEqual(dedupKey(event('oA', '1', 'CLICK', 'K')), dedupKey(event('oB', '1', 'CLICK', 'K')));
    assert.notEqual(dedupKey(event('oA', '1', 'CLICK', 'K')), dedupKey(event('oA', '2', 'CLICK', 'K')));
    assert.equal(dedupKey(event('oA', '1', 'CLICK', 'K')), dedupKey(event('oA', '1', 'CLICK', 'K')));
  });

  test('a key never grows past what a DynamoDB key holds, whatever a signed push carries; still exact for retries', () => {
    const longKey = `https://example.com/${'中'.repeat(3000)}`; // 9 KB of EventKey
    const a = dedupKey(event('oA', '1', 'VIEW', longKey));
    assert.ok(Buffer.byteLength(a, 'utf8') <= 1024, `${Buffer.byteLength(a, 'utf8')} bytes`);
    assert.equal(dedupKey(event('oA', '1', 'VIEW', longKey)), a, 'a retry gets the same key');
    assert.notEqual(dedupKey(event('oA', '1', 'VIEW', `${longKey}x`)), a);
    assert.notEqual(dedupKey(event('oB', '1', 'VIEW', longKey)), a);
    const hugeMsgId = '9'.repeat(5000);
    const t = dedupKey(text('oA', '1', hugeMsgId));
    assert.ok(Buffer.byteLength(t, 'utf8') <= 1024);
    assert.notEqual(t, dedupKey(text('oA', '1', `${hugeMsgId}9`)));
    // Ordinary keys keep WeChat's readable form.
    assert.ok(dedupKey(text('oA', '1714036504', '24000000000000000001')).includes('24000000000000000001'));
  });

  test('every key, hashed or not, starts with the openid and a bar: the dedup record lives with the member, where erasure finds it', () => {
    const longKey = `https://example.com/${'中'.repeat(3000)}`;
    for (const m of [
      event('oA', '1', 'VIEW', longKey),
      text('oB', '1', '9'.repeat(5000)),
      text('oC', '1714036504', '24000000000000000001'),
      event('oD', '1', 'CLICK', 'K|x'),
    ]) {
      assert.ok(dedupKey(m).startsWith(`${m.openid}|`), dedupKey(m).slice(0, 40));
    }
  });

  test('distinct pushes get distinct keys over realistic openids, MsgIds, events and keys (property)', () => {
    const openid = fc.stringMatching(/^o[A-Za-z0-9_-]{1,27}$/);
    const time = fc.integer({ min: 0, max: 2 ** 32 }).map(String);
    const msgId = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
    const eventName = fc.constantFrom('subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW', 'LOCATION', 'TEMPLATESENDJOBFINISH');
    const eventKey = fc.string({ maxLength: 20 });
    const pushArb = fc.oneof(
      fc.tuple(fc.constant('text' as const), openid, time, msgId),
      fc.tuple(fc.constant('event' as const), openid, time, eventName, eventKey),
    );
    type Push = ['text', string, string, string] | ['event', string, string, string, string];
    const build = (p: Push): InboundMessage => (p[0] === 'text' ? text(p[1], p[2], p[3]) : event(p[1], p[2], p[3], p[4]));
    fc.assert(
      fc.property(pushArb, pushArb, (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        assert.equal(dedupKey(build(a)) === dedupKey(build(b)), same, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }),
      { seed: SEED + 1, numRuns: 1000 },
    );
  });
});
