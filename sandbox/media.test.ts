import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from './server';
import { FOLLOWER_PHOTO } from './media';

// Temporary media: an app uploads an image (multipart, field `media`) and gets a media_id; media/get
// gives the bytes back with their type; a follower's photo is fetchable by the MediaId of its push.
let sandbox: Sandbox;
before(async () => {
  // No app behind the callback URL: the push fails, the follower's photo is kept all the same.
  sandbox = createSandbox({ callbackUrl: 'http://127.0.0.1:9/wechat' });
  await sandbox.listen(0);
});
after(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

async function token(): Promise<string> {
  const { appId, appSecret } = sandbox.options;
  const r = await fetch(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${appSecret}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

async function upload(bytes: Buffer, type = 'image', field = 'media') {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
  const r = await fetch(`${sandbox.url}/cgi-bin/media/upload?access_token=${await token()}&type=${type}`, { method: 'POST', body: form });
  return (await r.json()) as Record<string, unknown>;
}

test('an uploaded image comes back from media/get with its type; an unknown media_id is 40007', async () => {
  const up = await upload(JPEG);
  assert.equal(up.type, 'image');
  assert.match(String(up.media_id), /^SANDBOX_MEDIA_/);
  const got = await fetch(`${sandbox.url}/cgi-bin/media/get?access_token=${await token()}&media_id=${up.media_id}`);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), JPEG);
  const unknown = await fetch(`${sandbox.url}/cgi-bin/media/get?access_token=${await token()}&media_id=nope`);
  assert.equal(((await unknown.json()) as { errcode: number }).errcode, 40007);
  assert.deepEqual(
    sandbox.state.calls.filter((c) => c.path.startsWith('/cgi-bin/media/')).map((c) => [c.path, c.errcode]),
    [
      ['/cgi-bin/media/upload', 0],
      ['/cgi-bin/media/get', 0],
      ['/cgi-bin/media/get', 40007],
    ],
  );
});

test('refusals: not an image 40005, another type 40004, no media field 41005, a bad token 40001', async () => {
  assert.equal((await upload(Buffer.from('hello'))).errcode, 40005);
  assert.equal((await upload(JPEG, 'voice')).errcode, 40004);
  assert.equal((await upload(JPEG, 'image', 'file')).errcode, 41005);
  const r = await fetch(`${sandbox.url}/cgi-bin/media/get?access_token=bad&media_id=x`);
  assert.equal(((await r.json()) as { errcode: number }).errcode, 40001);
});

test('a follower’s photo: an image push with a MediaId the app can fetch', async () => {
  const r = await fetch(`${sandbox.url}/sandbox/followers/oPhoto/messages`, { method: 'POST', body: JSON.stringify({ type: 'image' }) });
  const answer = (await r.json()) as { push: { xml: string } };
  const mediaId = /<MediaId><!\[CDATA\[([^\]]+)\]\]><\/MediaId>/.exec(answer.push.xml)?.[1];
  assert.ok(mediaId, answer.push.xml);
  assert.match(answer.push.xml, /<MsgType><!\[CDATA\[image\]\]><\/MsgType><PicUrl><!\[CDATA\[https:\/\/mmbiz\.qpic\.cn\/sandbox\//);
  assert.match(answer.push.xml, /<MsgId>\d+<\/MsgId>/);
  const sent = sandbox.state.inboxOf('oPhoto').find((e) => e.direction === 'out');
  assert.deepEqual([sent?.msgType, sent?.mediaId], ['image', mediaId]);
  const got = await fetch(`${sandbox.url}/cgi-bin/media/get?access_token=${await token()}&media_id=${mediaId}`);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), FOLLOWER_PHOTO);
});
