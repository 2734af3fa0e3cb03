import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildReplyXml, type Reply } from './reply';
import { parseXml, type XmlObject, toXmlChars } from './xml';

const SEED = 0x5eed_0003;
const NOW = 1714036504_987; // ms, deliberately not on a second boundary
const OPENID = 'oUser_中文';
const ACCOUNT = 'gh_account';

function parsed(reply: Reply): XmlObject {
  const xml = buildReplyXml(reply, OPENID, ACCOUNT, NOW);
  const doc = parseXml(xml);
  assert.equal(doc.root, 'xml');
  return doc.value;
}

function assertHead(v: XmlObject, msgType: string): void {
  assert.equal(v.ToUserName, OPENID, 'the reply goes to the follower');
  assert.equal(v.FromUserName, ACCOUNT, 'from the account');
  assert.equal(v.CreateTime, '1714036504', 'CreateTime in seconds, rounded down');
  assert.equal(v.MsgType, msgType);
}

describe('buildReplyXml', () => {
  test('none answers success, not XML', () => {
    assert.equal(buildReplyXml({ type: 'none' }, OPENID, ACCOUNT, NOW), 'success');
  });

  test('text', () => {
    const v = parsed({ type: 'text', content: '欢迎 ]]> <b>&amp; 😀' });
    assertHead(v, 'text');
    assert.equal(v.Content, '欢迎 ]]> <b>&amp; 😀');
  });

  test('CreateTime is seconds for any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800_000 }), (nowMs) => {
        const v = parseXml(buildReplyXml({ type: 'text', content: 'x' }, 'o', 'gh', nowMs)).value;
        assert.match(String(v.CreateTime), /^\d{1,10}$/);
        assert.equal(Number(v.CreateTime), Math.floor(nowMs / 1000));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('text content of any kind survives the XML (property)', () => {
    const content = fc
      .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(']]>', '<', '&', '</Content>', '\n')), { maxLength: 8 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(content, fc.stringMatching(/^o[A-Za-z0-9_-]{5,27}$/), (raw, openid) => {
        const c = toXmlChars(raw);
        const v = parseXml(buildReplyXml({ type: 'text', content: c }, openid, ACCOUNT, NOW)).value;
        assert.equal(v.Content, c);
        assert.equal(v.ToUserName, openid);
        assert.equal(v.MsgType, 'text');
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  test('image and voice carry MediaId in their own element', () => {
    const img = parsed({ type: 'image', mediaId: 'MEDIA_1' });
    assertHead(img, 'image');
    assert.deepStrictEqual({ ...(img.Image as XmlObject) }, { MediaId: 'MEDIA_1' });
    const voice = parsed({ type: 'voice', mediaId: 'MEDIA_2' });
    assertHead(voice, 'voice');
    assert.deepStrictEqual({ ...(voice.Voice as XmlObject) }, { MediaId: 'MEDIA_2' });
  });

  test('video: MediaId, Title, Description; optional ones left out', () => {
    const full = parsed({ type: 'video', mediaId: 'M', title: 'T', description: 'D' });
    assertHead(full, 'video');
    assert.deepStrictEqual({ ...(full.Video as XmlObject) }, { MediaId: 'M', Title: 'T', Description: 'D' });
    const bare = parsed({ type: 'video', mediaId: 'M' });
    assert.deepStrictEqual({ ...(bare.Video as XmlObject) }, { MediaId: 'M' });
  });

  test('music: HQMusicUrl falls back to MusicUrl; ThumbMediaId kept', () => {
    const v = parsed({ type: 'music', title: 'Song', description: 'D', musicUrl: 'https://e.x/a.mp3', thumbMediaId: 'THUMB' });
    assertHead(v, 'music');
    assert.deepStrictEqual(
      { ...(v.Music as XmlObject) },
      { Title: 'Song', Description: 'D', MusicUrl: 'https://e.x/a.mp3', HQMusicUrl: 'https://e.x/a.mp3', ThumbMediaId: 'THUMB' },
    );
    const hq = parsed({ type: 'music', musicUrl: 'https://e.x/a.mp3', hqMusicUrl: 'https://e.x/hq.mp3', thumbMediaId: 'THUMB' });
    assert.equal((hq.Music as XmlObject).HQMusicUrl, 'https://e.x/hq.mp3');
  });

  test('news: ArticleCount matches, items in order, missing fields written empty', () => {
    const v = parsed({
      type: 'news',
      articles: [{ title: '今日菜单', description: 'd1', picUrl: 'https://e.x/p.jpg', url: 'https://e.x/a?x=1&y=2' }, { title: 'Second' }],
    });
    assertHead(v, 'news');
    assert.equal(v.ArticleCount, '2');
    const items = (v.Articles as XmlObject).item as XmlObject[];
    assert.equal(items.length, 2);
    assert.deepStrictEqual({ ...items[0] }, { Title: '今日菜单', Description: 'd1', PicUrl: 'https://e.x/p.jpg', Url: 'https://e.x/a?x=1&y=2' });
    assert.deepStrictEqual({ ...items[1] }, { Title: 'Second', Description: '', PicUrl: '', Url: '' });
  });

  test('news with one article: one item', () => {
    const v = parsed({ type: 'news', articles: [{ title: 'Only' }] });
    assert.equal(v.ArticleCount, '1');
    assert.equal(((v.Articles as XmlObject).item as XmlObject).Title, 'Only');
  });

  test('transfer_customer_service, with and without a KfAccount', () => {
    const any = parsed({ type: 'transfer_customer_service' });
    assertHead(any, 'transfer_customer_service');
    assert.equal(any.TransInfo, undefined);
    const to = parsed({ type: 'transfer_customer_service', kfAccount: 'kf2001@gh_account' });
    assertHead(to, 'transfer_customer_service');
    assert.equal((to.TransInfo as XmlObject).KfAccount, 'kf2001@gh_account');
  });

  test('every reply type has exactly the head fields plus its own, in WeChat order', () => {
    const all: Reply[] = [
      { type: 'text', content: 'c' },
      { type: 'image', mediaId: 'm' },
      { type: 'voice', mediaId: 'm' },
      { type: 'video', mediaId: 'm' },
      { type: 'music', musicUrl: 'u', thumbMediaId: 't' },
      { type: 'news', articles: [{ title: 't' }] },
      { type: 'transfer_customer_service' },
    ];
    for (const r of all) {
      const xml = buildReplyXml(r, OPENID, ACCOUNT, NOW);
      assert.match(xml, /^<xml><ToUserName>.*<\/ToUserName><FromUserName>.*<\/FromUserName><CreateTime>\d+<\/CreateTime><MsgType>/, r.type);
      assert.ok(xml.endsWith('</xml>'));
    }
  });
});
