import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from './server';
import { sandboxForTests } from './testing/harness';
import { getJson, postJson, startStubCallback, type JsonObject } from './testing/http';

// What WeChat enforces on outbound messages, through HTTP on a test clock: mass/send's list size,
// monthly quota per follower (calendar months of Asia/Shanghai) and clientmsgid, the template daily
// quota, the per-second ceiling over the send endpoints, and the runtime limits control.
const APPID = 'wx1234567890abcdef';
const SECRET = 'sandbox-secret';
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
/** 2025-06-01 00:00:00 in Shanghai, still 31 May in UTC. */
const JUNE_1_SHANGHAI = Date.UTC(2025, 4, 31, 16, 0, 0);
/** 2025-07-01 00:00:00 in Shanghai, still 30 June in UTC. */
const JULY_1_SHANGHAI = Date.UTC(2025, 5, 30, 16, 0, 0);

let now = JUNE_1_SHANGHAI;
let sandbox: Sandbox;
let callback: Awaited<ReturnType<typeof startStubCallback>>;

sandboxForTests(
  () => startStubCallback(() => ({ body: 'success' })),
  { clock: () => now },
  (s, c) => {
    sandbox = s;
    callback = c;
  },
);
beforeEach(async () => {
  now = JUNE_1_SHANGHAI;
  await postJson(`${sandbox.url}/sandbox/reset`, {});
  // Job events are covered in job-events.test.ts; here they would only be noise.
  await postJson(`${sandbox.url}/sandbox/limits`, { jobEvents: false });
});

async function send(path: string, body: unknown): Promise<JsonObject> {
  const { json: token } = await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`);
  return (await postJson(`${sandbox.url}${path}?access_token=${token.access_token}`, body)).json;
}
const MASS = '/cgi-bin/message/mass/send';
const TEMPLATE = '/cgi-bin/message/template/send';
const CUSTOM = '/cgi-bin/message/custom/send';
const massText = (touser: string[], extra: JsonObject = {}) => ({ touser, msgtype: 'text', text: { content: '六月会员日' }, ...extra });
const notice = (touser: string, extra: JsonObject = {}) => ({ touser, template_id: 'TPL_POINTS', data: { keyword1: { value: '120 分' } }, ...extra });
const addFollowers = (openids: string[]) => postJson(`${sandbox.url}/sandbox/followers`, { openids });
const inbox = async (openid: string) => (await getJson(`${sandbox.url}/sandbox/followers/${openid}/inbox`)).json.entries as JsonObject[];
const received = async (openid: string, channel: string) => (await inbox(openid)).filter((e) => e.channel === channel);
const limits = async () => (await getJson(`${sandbox.url}/sandbox/limits`)).json;
const setLimits = (body: unknown) => postJson(`${sandbox.url}/sandbox/limits`, body);

describe('mass/send to a list of openids', () => {
  test('2 to 10,000 entries (40130 otherwise); duplicates are delivered once', async () => {
    await addFollowers(['oAnn', 'oBen']);
    assert.equal((await send(MASS, massText([]))).errcode, 40130);
    const one = await send(MASS, massText(['oAnn']));
    assert.equal(one.errcode, 40130);
    assert.match(one.errmsg, /^invalid openid list size, at least two openid/);
    assert.equal((await send(MASS, massText(Array.from({ length: 10_001 }, (_, i) => `oMember${i}`)))).errcode, 40130);
    assert.equal((await send(MASS, { ...massText([]), touser: 'oAnn' })).errcode, 47001, 'touser must be a list');

    const twice = await send(MASS, massText(['oAnn', 'oAnn']));
    assert.equal(twice.errcode, 0, JSON.stringify(twice));
    assert.equal(twice.errmsg, 'send job submission success');
    assert.ok(Number.isSafeInteger(twice.msg_id), `msg_id ${twice.msg_id}`);
    const got = await received('oAnn', 'mass');
    assert.deepEqual(
      got.map((e) => [e.direction, e.msgType, e.content, e.msgid]),
      [['in', 'text', '六月会员日', twice.msg_id]],
    );
    assert.deepEqual(await received('oBen', 'mass'), []);
  });

  test('text and mpnews (msg_data_id with news); 40008, 44004 and 40007 for what WeChat refuses', async () => {
    await addFollowers(['oAnn', 'oBen']);
    const news = await send(MASS, { touser: ['oAnn', 'oBen'], msgtype: 'mpnews', mpnews: { media_id: 'MEDIA_JUNE' }, send_ignore_reprint: 0 });
    assert.equal(news.errcode, 0);
    assert.ok(Number.isSafeInteger(news.msg_data_id), `msg_data_id ${news.msg_data_id}`);
    assert.deepEqual(
      (await received('oBen', 'mass')).map((e) => [e.msgType, e.mediaId]),
      [['mpnews', 'MEDIA_JUNE']],
    );
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).msg_data_id, undefined);
    assert.equal((await send(MASS, { touser: ['oAnn', 'oBen'], msgtype: 'image', image: { media_id: 'M' } })).errcode, 40008);
    assert.equal((await send(MASS, { touser: ['oAnn', 'oBen'], msgtype: 'text', text: { content: '' } })).errcode, 44004);
    assert.equal((await send(MASS, { touser: ['oAnn', 'oBen'], msgtype: 'mpnews', mpnews: {} })).errcode, 40007);
    assert.equal((await send(MASS, massText(['oAnn', 'oBen'], { send_ignore_reprint: 2 }))).errcode, 47001);
  });

  test('unknown openids are job errors, not a failure of the call; unfollowed followers are filtered out', async () => {
    await addFollowers(['oAnn', 'oBen', 'oCat']);
    await postJson(`${sandbox.url}/sandbox/followers/oCat/messages`, { type: 'event', event: 'unsubscribe' });
    await setLimits({ jobEvents: true });
    const sent = await send(MASS, massText(['oAnn', 'oGhost', 'oBen', 'oCat']));
    assert.equal(sent.errcode, 0);
    assert.equal((await received('oAnn', 'mass')).length, 1);
    assert.equal((await received('oCat', 'mass')).length, 0);
    const [event] = (await getJson(`${sandbox.url}/sandbox/job-events?msgid=${sent.msg_id}`)).json.events as JsonObject[];
    // WeChat's FilterCount is what was left to send after filtering: SentCount + ErrorCount.
    assert.deepEqual(event!.counts, { totalCount: 4, filterCount: 3, sentCount: 2, errorCount: 1 });
    assert.equal((await send(MASS, massText(['oGhost', 'oNobody']))).errcode, 40003, 'a list of strangers only');
  });

  test('a follower receives 4 mass messages a calendar month of Asia/Shanghai; 45028 when nobody in the list can receive one', async () => {
    await addFollowers(['oAnn', 'oBen', 'oCat']);
    for (let i = 0; i < 4; i++) assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 0, `send ${i + 1}`);
    const over = await send(MASS, massText(['oAnn', 'oBen']));
    assert.equal(over.errcode, 45028);
    assert.match(over.errmsg, /^has no masssend quota/);
    assert.equal((await received('oAnn', 'mass')).length, 4);

    await setLimits({ jobEvents: true });
    const mixed = await send(MASS, massText(['oAnn', 'oCat']));
    assert.equal(mixed.errcode, 0, 'oCat still has quota');
    assert.equal((await received('oAnn', 'mass')).length, 4, 'oAnn was filtered');
    assert.equal((await received('oCat', 'mass')).length, 1);
    const [event] = (await getJson(`${sandbox.url}/sandbox/job-events?msgid=${mixed.msg_id}`)).json.events as JsonObject[];
    assert.deepEqual(event!.counts, { totalCount: 2, filterCount: 1, sentCount: 1, errorCount: 0 });
    assert.equal(event!.openid, 'oCat', 'FromUserName is the first recipient');
    assert.deepEqual((await limits()).usage.massThisMonth, { oAnn: 4, oBen: 4, oCat: 1 });

    now = JULY_1_SHANGHAI - SECOND; // 23:59:59 on 30 June in Shanghai
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 45028);
    now = JULY_1_SHANGHAI; // a new month in Shanghai, while UTC is still in June
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 0);
    assert.equal((await received('oAnn', 'mass')).length, 5);
    assert.equal((await limits()).usage.month, '2025-07');
  });

  test('the monthly quota is a runtime setting', async () => {
    await addFollowers(['oAnn', 'oBen']);
    await setLimits({ massMonthlyQuota: 1 });
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 0);
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 45028);
    await setLimits({ massMonthlyQuota: 2 });
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 0);
  });

  test('a clientmsgid used within 24 hours is refused with 45065 and the first msg_id; nothing is delivered again', async () => {
    await addFollowers(['oAnn', 'oBen']);
    const first = await send(MASS, massText(['oAnn', 'oBen'], { clientmsgid: 'broadcast-42' }));
    assert.equal(first.errcode, 0);
    now += DAY - SECOND;
    const again = await send(MASS, massText(['oAnn', 'oBen'], { clientmsgid: 'broadcast-42' }));
    assert.equal(again.errcode, 45065);
    assert.match(again.errmsg, /^clientmsgid exist/);
    assert.equal(again.msg_id, first.msg_id);
    assert.equal((await received('oBen', 'mass')).length, 1);
    assert.equal((await send(MASS, massText(['oAnn', 'oBen'], { clientmsgid: 'broadcast-43' }))).errcode, 0, 'another id goes out');
    now += SECOND;
    const later = await send(MASS, massText(['oAnn', 'oBen'], { clientmsgid: 'broadcast-42' }));
    assert.equal(later.errcode, 0, '24 hours later the id is free again');
    assert.notEqual(later.msg_id, first.msg_id);
    assert.equal((await send(MASS, massText(['oAnn', 'oBen'], { clientmsgid: 'x'.repeat(65) }))).errcode, 47001);
  });

  test('10,000 followers in one call', async () => {
    const members = Array.from({ length: 10_000 }, (_, i) => `oMember${String(i).padStart(5, '0')}`);
    const added = await addFollowers(members);
    assert.deepEqual(added.json, { created: 10_000, existing: 0 });
    const sent = await send(MASS, massText(members));
    assert.equal(sent.errcode, 0);
    assert.equal((await received('oMember09999', 'mass')).length, 1);
    assert.equal((await limits()).usage.massThisMonth.oMember00000, 1);
    assert.deepEqual((await getJson(`${sandbox.url}/sandbox/job-events`)).json.events, [], 'job events are off');
  });
});

describe('template messages: the daily quota', () => {
  test('45009 beyond templateDailyQuota for the Shanghai day; a repeated client_msg_id is not counted; the next day opens again', async () => {
    await addFollowers(['oAnn', 'oBen']);
    await setLimits({ templateDailyQuota: 2 });
    now = JULY_1_SHANGHAI - HOUR; // 23:00 in Shanghai
    const a = await send(TEMPLATE, notice('oAnn', { client_msg_id: 'points-1' }));
    assert.equal(a.errcode, 0);
    assert.equal((await send(TEMPLATE, notice('oBen'))).errcode, 0);
    const over = await send(TEMPLATE, notice('oAnn'));
    assert.equal(over.errcode, 45009);
    assert.match(over.errmsg, /^reach max api daily quota limit/);
    assert.deepEqual(
      await send(TEMPLATE, notice('oAnn', { client_msg_id: 'points-1' })),
      { errcode: 0, errmsg: 'ok', msgid: a.msgid },
      'the dedup answer still comes',
    );
    assert.equal((await received('oAnn', 'template')).length, 1);
    assert.equal((await limits()).usage.templatesToday, 2);

    now = JULY_1_SHANGHAI; // midnight in Shanghai
    assert.equal((await send(TEMPLATE, notice('oAnn'))).errcode, 0);
    const view = await limits();
    assert.equal(view.usage.day, '2025-07-01');
    assert.equal(view.usage.templatesToday, 1);
  });

  test('the default quota is 100,000 a day', async () => {
    assert.equal((await limits()).limits.templateDailyQuota, 100_000);
  });
});

describe('the per-second ceiling over custom/send, template/send and mass/send', () => {
  test('45011 beyond sendRatePerSecond in the same second of the sandbox clock, and nothing is delivered', async () => {
    await addFollowers(['oBen']);
    await postJson(`${sandbox.url}/sandbox/followers/oAnn/messages`, { type: 'text', content: '在吗' });
    await setLimits({ sendRatePerSecond: 3 });
    now = JUNE_1_SHANGHAI + 5 * SECOND;
    assert.equal((await send(CUSTOM, { touser: 'oAnn', msgtype: 'text', text: { content: '在的' } })).errcode, 0);
    assert.equal((await send(TEMPLATE, notice('oAnn'))).errcode, 0);
    now += 999;
    assert.equal((await send(MASS, massText(['oAnn', 'oBen']))).errcode, 0);
    const limited = await send(MASS, massText(['oAnn', 'oBen']));
    assert.equal(limited.errcode, 45011);
    assert.match(limited.errmsg, /^api minute-quota reach limit {2}mustslower {2}retry next minute/);
    assert.equal((await send(TEMPLATE, notice('oAnn'))).errcode, 45011);
    assert.equal((await send(CUSTOM, { touser: 'oAnn', msgtype: 'text', text: { content: '再见' } })).errcode, 45011);
    assert.equal((await getJson(`${sandbox.url}/cgi-bin/user/info?access_token=x`)).json.errcode, 40001, 'other APIs are not limited');
    assert.equal((await limits()).usage.sendCallsThisSecond, 3);
    const got = await inbox('oAnn');
    assert.deepEqual(
      got.filter((e) => e.direction === 'in').map((e) => e.channel),
      ['custom', 'template', 'mass'],
    );

    now += 1; // the next second
    assert.equal((await send(TEMPLATE, notice('oAnn'))).errcode, 0);
    const calls = (await getJson(`${sandbox.url}/sandbox/calls?path=${MASS}`)).json.calls as JsonObject[];
    assert.deepEqual(
      calls.map((c) => c.errcode),
      [0, 45011],
      'refused calls stay in the call log',
    );
  });

  test('0 means no ceiling (the default)', async () => {
    await addFollowers(['oAnn']);
    assert.equal((await limits()).limits.sendRatePerSecond, 0);
    for (let i = 0; i < 30; i++) assert.equal((await send(TEMPLATE, notice('oAnn'))).errcode, 0);
  });
});

describe('POST /sandbox/limits', () => {
  test('validates, shows the settings with today’s usage, and reset restores the defaults', async () => {
    for (const bad of [{ templateDailyQuota: -1 }, { massMonthlyQuota: 1.5 }, { sendRatePerSecond: '10' }, { jobEvents: 'no' }, { dailyQuota: 5 }, [1], 'x']) {
      const res = await setLimits(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(typeof res.json.error, 'string');
    }
    const notJson = await postJson(`${sandbox.url}/sandbox/limits`, '{', true);
    assert.equal(notJson.status, 400);
    assert.equal((await setLimits({ templateDailyQuota: 5, jobEvents: 'x' })).status, 400);
    assert.equal((await limits()).limits.templateDailyQuota, 100_000, 'a refused update changes nothing');

    const set = await setLimits({ templateDailyQuota: 5, massMonthlyQuota: 8, sendRatePerSecond: 20, jobEvents: true });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json.limits, { templateDailyQuota: 5, massMonthlyQuota: 8, sendRatePerSecond: 20, jobEvents: true });
    assert.equal(set.json.usage.day, '2025-06-01');
    await addFollowers(['oAnn']);
    await send(TEMPLATE, notice('oAnn'));
    assert.equal((await limits()).usage.templatesToday, 1);

    await postJson(`${sandbox.url}/sandbox/reset`, {});
    const view = await limits();
    assert.deepEqual(view.limits, { templateDailyQuota: 100_000, massMonthlyQuota: 4, sendRatePerSecond: 0, jobEvents: true });
    assert.equal(view.usage.templatesToday, 0);
    assert.deepEqual(view.usage.massThisMonth, {});
  });

  test('options set the defaults that reset restores', async () => {
    const strict = createSandbox({
      callbackUrl: callback.url,
      clock: () => now,
      templateDailyQuota: 1,
      massMonthlyQuota: 2,
      sendRatePerSecond: 5,
      jobEvents: false,
    });
    await strict.listen(0);
    try {
      await postJson(`${strict.url}/sandbox/limits`, { templateDailyQuota: 9 });
      await postJson(`${strict.url}/sandbox/reset`, {});
      assert.deepEqual((await getJson(`${strict.url}/sandbox/limits`)).json.limits, {
        templateDailyQuota: 1,
        massMonthlyQuota: 2,
        sendRatePerSecond: 5,
        jobEvents: false,
      });
    } finally {
      await strict.close();
    }
  });
});

describe('follower controls for sends', () => {
  test('POST /sandbox/followers adds subscribed followers without pushes; settings validate', async () => {
    assert.equal((await addFollowers(['oAnn', 'bad openid'])).status, 400);
    assert.equal((await postJson(`${sandbox.url}/sandbox/followers`, { openids: [] })).status, 400);
    assert.deepEqual((await addFollowers(['oAnn', 'oAnn', 'oBen'])).json, { created: 2, existing: 0 });
    assert.deepEqual((await addFollowers(['oAnn', 'oCat'])).json, { created: 1, existing: 1 });
    const info = (
      await getJson(
        `${sandbox.url}/cgi-bin/user/info?access_token=${(await getJson(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`)).json.access_token}&openid=oAnn`,
      )
    ).json;
    assert.equal(info.subscribe, 1);

    const settings = (openid: string, body: unknown) => postJson(`${sandbox.url}/sandbox/followers/${openid}/settings`, body);
    assert.equal((await settings('oNobody', { blocksTemplates: true })).status, 404);
    assert.equal((await settings('oAnn', { blocksTemplates: 'yes' })).status, 400);
    assert.equal((await settings('oAnn', { mute: true })).status, 400);
    const set = await settings('oAnn', { blocksTemplates: true });
    assert.equal(set.status, 200);
    assert.equal(set.json.blocksTemplates, true);
    assert.equal((await send(TEMPLATE, notice('oAnn'))).errcode, 0, 'WeChat accepts the call; the job event says the follower blocked it');
    assert.deepEqual(await received('oAnn', 'template'), []);
  });
});
