import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toInboundMessage } from '../wechat/message';
import type { XmlObject } from '../wechat/xml';
import { inboundBody, inboundMessage, replyBody } from './fromWeChat';
import { previewOf } from './message';

const push = (fields: XmlObject) => toInboundMessage({ ToUserName: 'gh', FromUserName: 'o1', CreateTime: '1700000000', ...fields });

test('every kind of push the follower sends is kept with what identifies it (media by id)', () => {
  const cases: [XmlObject, unknown, string][] = [
    [{ MsgType: 'text', Content: '你好', MsgId: '1' }, { kind: 'text', text: '你好' }, '你好'],
    [{ MsgType: 'image', PicUrl: 'http://p/1.jpg', MediaId: 'm1', MsgId: '2' }, { kind: 'image', mediaId: 'm1', url: 'http://p/1.jpg' }, '[图片]'],
    [{ MsgType: 'voice', MediaId: 'm2', Format: 'amr', MsgId: '3' }, { kind: 'voice', mediaId: 'm2' }, '[语音]'],
    [{ MsgType: 'video', MediaId: 'm3', ThumbMediaId: 't', MsgId: '4' }, { kind: 'video', mediaId: 'm3' }, '[视频]'],
    [{ MsgType: 'shortvideo', MediaId: 'm4', MsgId: '5' }, { kind: 'shortvideo', mediaId: 'm4' }, '[视频]'],
    [
      { MsgType: 'location', Location_X: '23.134521', Location_Y: '113.358803', Scale: '20', Label: '广州塔', MsgId: '6' },
      { kind: 'location', latitude: 23.134521, longitude: 113.358803, label: '广州塔' },
      '[位置] 广州塔',
    ],
    [
      { MsgType: 'link', Title: '文章', Description: '简介', Url: 'https://e.com/a', MsgId: '7' },
      { kind: 'link', title: '文章', url: 'https://e.com/a', description: '简介' },
      '[链接] 文章',
    ],
    [
      { MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_store', Ticket: 'tk' },
      { kind: 'event', event: 'subscribe', key: 'qrscene_store' },
      '[subscribe qrscene_store]',
    ],
    [{ MsgType: 'event', Event: 'subscribe', EventKey: '' }, { kind: 'event', event: 'subscribe' }, '[subscribe]'],
    [{ MsgType: 'event', Event: 'unsubscribe', EventKey: '' }, { kind: 'event', event: 'unsubscribe' }, '[unsubscribe]'],
    [{ MsgType: 'event', Event: 'SCAN', EventKey: 'store', Ticket: 'tk' }, { kind: 'event', event: 'SCAN', key: 'store' }, '[SCAN store]'],
    [{ MsgType: 'event', Event: 'CLICK', EventKey: 'SIGN_IN' }, { kind: 'event', event: 'CLICK', key: 'SIGN_IN' }, '[CLICK SIGN_IN]'],
    [{ MsgType: 'event', Event: 'VIEW', EventKey: 'https://e.com' }, { kind: 'event', event: 'VIEW', key: 'https://e.com' }, '[VIEW https://e.com]'],
    [
      { MsgType: 'event', Event: 'LOCATION', Latitude: '23.137466', Longitude: '113.352425', Precision: '119.385040' },
      { kind: 'event', event: 'LOCATION', key: '23.137466,113.352425' },
      '[LOCATION 23.137466,113.352425]',
    ],
  ];
  for (const [fields, body, preview] of cases) {
    const m = push(fields);
    assert.deepEqual(inboundBody(m), body, String(fields.MsgType));
    assert.equal(previewOf(inboundBody(m)), preview);
  }
  const kept = inboundMessage(push({ MsgType: 'text', Content: 'x', MsgId: '9' }), 'o1|1700000000|9', '2026-01-01T00:00:00.000Z');
  assert.deepEqual(kept, { kind: 'text', text: 'x', id: 'o1|1700000000|9', direction: 'in', at: '2026-01-01T00:00:00.000Z', by: { kind: 'follower' } });
});

test('a media push without its fields keeps what there is (no undefined values for DynamoDB)', () => {
  const body = inboundBody(push({ MsgType: 'image', MsgId: '1' }));
  assert.deepEqual(body, { kind: 'image' });
  assert.ok(!Object.values(inboundBody(push({ MsgType: 'location', MsgId: '2' }))).includes(undefined));
});

test('passive replies: success is no message, a transfer is kept as one', () => {
  assert.equal(replyBody({ type: 'none' }), undefined);
  assert.deepEqual(replyBody({ type: 'transfer_customer_service' }), { kind: 'transfer' });
  assert.deepEqual(replyBody({ type: 'news', articles: [{ title: 't', url: 'https://e.com' }] }), {
    kind: 'news',
    articles: [{ title: 't', url: 'https://e.com' }],
  });
  assert.deepEqual(replyBody({ type: 'image', mediaId: 'm' }), { kind: 'image', mediaId: 'm' });
});
