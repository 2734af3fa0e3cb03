import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from './server';
import { sandboxForTests } from './testing/harness';
import { getJson, postJson, waitFor, type JsonObject } from './testing/http';
import { startCoWechatCallback } from './testing/co-wechat-callback';
import { startSignedCallback, type SignedCallback } from './testing/signed-callback';

// TEMPLATESENDJOBFINISH and MASSSENDJOBFINISH: posted after the API call, signed and encrypted in
// the account's push mode, and opened here with lib/wechat's signature and crypto as the app would.
const SECRETS = { token: 'sandbox-token', appId: 'wx1234567890abcdef', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };
const ORIGINAL_ID = 'gh_5a4b3c2d1e0f';
const START = Date.UTC(2025, 5, 2, 1, 0, 0);

let now = START;
let sandbox: Sandbox;
let callback: SignedCallback;

sandboxForTests(
  () => startSignedCallback(SECRETS),
  { clock: () => now, pushMode: 'aes', originalId: ORIGINAL_ID },
  (s, c) => {
    sandbox = s;
    callback = c;
  },
);
beforeEach(async () => {
  now = START;
  callback.release();
  callback.answerStatus = 200;
  await postJson(`${sandbox.url}/sandbox/reset`, {});
  await postJson(`${sandbox.url}/sandbox/followers`, { openids: ['oAnn', 'oBen', 'oCat'] });
  callback.received.length = 0;
});

async function send(path: string, body: unknown): Promise<JsonObject> {
  const { json: token } = await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${SECRETS.appId}&secret=sandbox-secret`);
  const res = await postJson(`${sandbox.url}${path}?access_token=${token.access_token}`, body);
  assert.equal(res.json.errcode, 0, JSON.stringify(res.json));
  return res.json;
}
const template = (touser: string) => send('/cgi-bin/message/template/send', { touser, template_id: 'TPL_POINTS', data: { keyword1: { value: '120 分' } } });
const events = async (query = '') => (await getJson(`${sandbox.url}/sandbox/job-events${query}`)).json.events as JsonObject[];
/** Polls until the events of `query` are all delivered or failed (and there are `count` of them). */
const settled = (query: string, count = 1) =>
  waitFor(
    async () => {
      const list = await events(query);
      return list.length === count && list.every((e) => e.delivery === 'delivered' || e.delivery === 'failed') ? list : undefined;
    },
    `${count} settled job event(s) for ${query || 'all'}`,
  );
const openedFor = (msgid: number) => callback.received.filter((p) => p.fields.MsgID === String(msgid));

describe('TEMPLATESENDJOBFINISH', () => {
  test('posted after each template message, signed and encrypted in safe mode', async () => {
    const { msgid } = await template('oAnn');
    const [event] = await settled(`?msgid=${msgid}`);
    assert.equal(event!.delivery, 'delivered', JSON.stringify(event));
    assert.deepEqual([event!.kind, event!.openid, event!.status, event!.mode, event!.attempt.status], ['TEMPLATESENDJOBFINISH', 'oAnn', 'success', 'aes', 200]);
    const [opened] = openedFor(msgid);
    assert.ok(opened?.ok, opened?.error);
    assert.equal(opened!.encrypted, true);
    assert.deepEqual(opened!.fields, {
      ToUserName: ORIGINAL_ID,
      FromUserName: 'oAnn',
      CreateTime: String(Math.floor(START / 1000)),
      MsgType: 'event',
      Event: 'TEMPLATESENDJOBFINISH',
      MsgID: String(msgid),
      Status: 'success',
    });
  });

  test('"failed:user block" when the follower turned the account’s notices off', async () => {
    assert.equal((await postJson(`${sandbox.url}/sandbox/followers/oBen/settings`, { blocksTemplates: true })).status, 200);
    const { msgid } = await template('oBen');
    const [event] = await settled(`?msgid=${msgid}`);
    assert.equal(event!.status, 'failed:user block');
    assert.equal(openedFor(msgid)[0]!.fields.Status, 'failed:user block');
    const inbox = (await getJson(`${sandbox.url}/sandbox/followers/oBen/inbox`)).json.entries as JsonObject[];
    assert.equal(inbox.filter((e) => e.channel === 'template').length, 0);
  });

  test('never inside the API answer: the call returns while the callback still holds the event', async () => {
    callback.hold();
    const { msgid } = await template('oAnn');
    await waitFor(async () => ((await events(`?msgid=${msgid}`))[0]?.delivery === 'sending' ? true : undefined), 'the event to be on its way');
    assert.equal(openedFor(msgid).length, 1, 'the callback has it and has not answered');
    callback.release();
    assert.equal((await settled(`?msgid=${msgid}`))[0]!.delivery, 'delivered');
  });

  test('at most 4 on their way at once; the rest wait their turn', async () => {
    callback.hold();
    for (let i = 0; i < 6; i++) await template('oAnn');
    const stuck = await waitFor(async () => {
      const list = await events();
      return list.filter((e) => e.delivery === 'sending').length === 4 ? list : undefined;
    }, 'four deliveries in flight');
    assert.deepEqual(
      stuck.map((e) => e.delivery),
      ['sending', 'sending', 'sending', 'sending', 'pending', 'pending'],
    );
    callback.release();
    assert.ok((await settled('', 6)).every((e) => e.delivery === 'delivered'));
  });

  test('queued in the order of the calls, all delivered with a small concurrency', async () => {
    const msgids: number[] = [];
    for (let i = 0; i < 12; i++) msgids.push((await template(['oAnn', 'oBen', 'oCat'][i % 3]!)).msgid);
    const list = await settled('?kind=TEMPLATESENDJOBFINISH', 12);
    assert.deepEqual(
      list.map((e) => e.msgid),
      msgids,
    );
    assert.ok(list.every((e, i) => i === 0 || e.seq > list[i - 1]!.seq));
    assert.ok(list.every((e) => e.delivery === 'delivered'));
    assert.deepEqual(new Set(callback.received.map((p) => Number(p.fields.MsgID))), new Set(msgids));
  });

  test('a failing callback is shown as a failed delivery', async () => {
    callback.answerStatus = 500;
    const { msgid } = await template('oAnn');
    const [event] = await settled(`?msgid=${msgid}`);
    assert.equal(event!.delivery, 'failed');
    assert.deepEqual(event!.attempt, { at: START, status: 500, error: 'callback answered HTTP 500' });
  });
});

describe('MASSSENDJOBFINISH', () => {
  test('one event per mass send with WeChat’s counts, from the first recipient', async () => {
    await postJson(`${sandbox.url}/sandbox/followers/oAnn/messages`, { type: 'event', event: 'unsubscribe' });
    callback.received.length = 0;
    const sent = await send('/cgi-bin/message/mass/send', { touser: ['oAnn', 'oBen', 'oGhost', 'oCat', 'oBen'], msgtype: 'text', text: { content: '会员日' } });
    const [event] = await settled('?kind=MASSSENDJOBFINISH');
    assert.equal(event!.delivery, 'delivered', JSON.stringify(event));
    assert.deepEqual([event!.msgid, event!.openid, event!.status], [sent.msg_id, 'oBen', 'send success']);
    assert.deepEqual(event!.counts, { totalCount: 4, filterCount: 3, sentCount: 2, errorCount: 1 });
    const opened = openedFor(sent.msg_id);
    assert.equal(opened.length, 1);
    assert.ok(opened[0]!.ok, opened[0]!.error);
    assert.deepEqual(opened[0]!.fields, {
      ToUserName: ORIGINAL_ID,
      FromUserName: 'oBen',
      CreateTime: String(Math.floor(START / 1000)),
      MsgType: 'event',
      Event: 'MASSSENDJOBFINISH',
      MsgID: String(sent.msg_id),
      Status: 'send success',
      TotalCount: '4',
      FilterCount: '3',
      SentCount: '2',
      ErrorCount: '1',
    });
  });
});

describe('turning job events off', () => {
  test('jobEvents: false at runtime posts and records nothing until turned on again', async () => {
    assert.equal((await postJson(`${sandbox.url}/sandbox/limits`, { jobEvents: false })).json.limits.jobEvents, false);
    await template('oAnn');
    await send('/cgi-bin/message/mass/send', { touser: ['oAnn', 'oBen'], msgtype: 'text', text: { content: '会员日' } });
    const off = (await getJson(`${sandbox.url}/sandbox/job-events`)).json;
    assert.deepEqual(off, { enabled: false, events: [] });
    await postJson(`${sandbox.url}/sandbox/limits`, { jobEvents: true });
    const { msgid } = await template('oCat');
    const list = await settled('');
    assert.equal(list[0]!.msgid, msgid);
    assert.deepEqual(
      callback.received.map((p) => p.fields.MsgID),
      [String(msgid)],
      'the calls made while off never reached the callback',
    );
  });

  test('plain mode when the account is set to it; ?after= and a bad query', async () => {
    const plain = createSandbox({ callbackUrl: callback.url, clock: () => now });
    await plain.listen(0);
    try {
      await postJson(`${plain.url}/sandbox/followers`, { openids: ['oDan'] });
      const { json: token } = await getJson(`${plain.url}/cgi-bin/token?grant_type=client_credential&appid=${SECRETS.appId}&secret=sandbox-secret`);
      const tpl = (
        await postJson(`${plain.url}/cgi-bin/message/template/send?access_token=${token.access_token}`, { touser: 'oDan', template_id: 'T', data: {} })
      ).json;
      const list = await waitFor(async () => {
        const e = (await getJson(`${plain.url}/sandbox/job-events?after=0`)).json.events as JsonObject[];
        return e[0]?.delivery === 'delivered' ? e : undefined;
      }, 'the plain-mode event');
      assert.equal(list[0]!.mode, 'plain');
      const opened = openedFor(tpl.msgid)[0]!;
      assert.deepEqual([opened.ok, opened.encrypted], [true, false]);
      assert.deepEqual((await getJson(`${plain.url}/sandbox/job-events?after=${list[0]!.seq}`)).json.events, []);
      assert.equal((await getJson(`${plain.url}/sandbox/job-events?after=-1`)).status, 400);
    } finally {
      await plain.close();
    }
  });
});

describe('job events read by an independent callback (co-wechat)', () => {
  for (const mode of ['plain', 'compat', 'aes'] as const) {
    test(`TEMPLATESENDJOBFINISH and MASSSENDJOBFINISH in ${mode} mode`, async () => {
      const coWechat = await startCoWechatCallback({ token: SECRETS.token, appid: SECRETS.appId, encodingAESKey: SECRETS.encodingAesKey });
      const other = createSandbox({ callbackUrl: coWechat.url, clock: () => now, pushMode: mode, originalId: ORIGINAL_ID });
      await other.listen(0);
      try {
        await postJson(`${other.url}/sandbox/followers`, { openids: ['oEve', 'oFay'] });
        const { json: token } = await getJson(`${other.url}/cgi-bin/token?grant_type=client_credential&appid=${SECRETS.appId}&secret=sandbox-secret`);
        const api = (path: string, body: unknown) => postJson(`${other.url}${path}?access_token=${token.access_token}`, body).then((r) => r.json);
        const tpl = await api('/cgi-bin/message/template/send', { touser: 'oEve', template_id: 'T', data: {} });
        const mass = await api('/cgi-bin/message/mass/send', { touser: ['oFay', 'oEve'], msgtype: 'text', text: { content: '会员日' } });
        const list = await waitFor(async () => {
          const e = (await getJson(`${other.url}/sandbox/job-events`)).json.events as JsonObject[];
          return e.length === 2 && e.every((x) => x.delivery !== 'pending' && x.delivery !== 'sending') ? e : undefined;
        }, 'two settled events');
        assert.deepEqual(
          list.map((e) => e.delivery),
          ['delivered', 'delivered'],
          JSON.stringify(list.map((e) => e.attempt)),
        );
        assert.deepEqual(coWechat.refused, []);
        const byEvent = new Map(coWechat.received.map((r) => [r.message.Event, r]));
        const t = byEvent.get('TEMPLATESENDJOBFINISH')!.message as unknown as Record<string, string>;
        assert.deepEqual([t.FromUserName, t.MsgID, t.Status], ['oEve', String(tpl.msgid), 'success']);
        const m = byEvent.get('MASSSENDJOBFINISH')!;
        const mm = m.message as unknown as Record<string, string>;
        assert.deepEqual(
          [mm.FromUserName, mm.MsgID, mm.Status, mm.TotalCount, mm.FilterCount, mm.SentCount, mm.ErrorCount],
          ['oFay', String(mass.msg_id), 'send success', '2', '2', '2', '0'],
        );
        assert.equal(m.query.encrypt_type, mode === 'plain' ? undefined : 'aes');
      } finally {
        await other.close();
        await coWechat.close();
      }
    });
  }
});
