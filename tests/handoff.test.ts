import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { handoffSettingsDocument } from '../lib/app/handoff';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings } from '../lib/handoff/handoff';
import { ALREADY_HANDLED_REPLY } from '../lib/handoff/requestHandoff';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { TRANSFERRED_NOTICE } from '../sandbox/follower-routes';
import { startClockedStack } from './support/clockedStack';
import { dynamoCampaignStore } from '../lib/redpacket/campaignStore';
import { activeCampaign } from './support/campaigns';
import { rule } from './support/rules';

// Handoff through the sandbox, on a clock the test moves: Monday 2026-12-07 11:00 in Shanghai
// (inside the default service hours, Mon–Fri 09:00–18:00).
const MONDAY_11AM = Date.parse('2026-12-07T03:00:00Z');
const MINUTE = 60_000;

let s: Awaited<ReturnType<typeof startClockedStack>>;

before(async () => {
  s = await startClockedStack(MONDAY_11AM);
  const rules = dynamoRuleStore(s.table);
  await rules.put(rule('hours', { match: { type: 'contains', pattern: '营业时间' }, reply: { type: 'text', content: '每天 10:00–22:00 营业' } }));
  await rules.put(rule('find-person', { match: { type: 'exact', pattern: '找个人' }, reply: { type: 'action', action: 'HANDOFF' } }));
  await rules.put(rule('fallback', { match: { type: 'default' }, reply: { type: 'text', content: '收到，我们会尽快回复' } }));
});

after(() => s?.close());

const profile = async (openid: string) => (await dynamoMemberStore(s.table).get(openid))!;
const replyText = (answer: { reply?: { content?: string } }) => answer.reply?.content;

async function subscribe(openid: string) {
  s.clock.advance(1_000);
  await s.follower(openid, { type: 'event', event: 'subscribe' });
}

/** Saves handoff settings and moves the clock past the callback's settings cache. */
async function saveSettings(change: Partial<HandoffSettings>) {
  await handoffSettingsDocument(s.app).put({ ...DEFAULT_HANDOFF_SETTINGS, ...change }, s.clock.now());
  s.clock.advance(6_000);
}

test('人工 makes the conversation wait and acknowledges it; keyword and default replies stay quiet, the menu still works, and after the idle timeout the bot answers again', async () => {
  const openid = 'o_handoff_keyword';
  await subscribe(openid);
  assert.equal(replyText(await s.says(openid, '营业时间？')), '每天 10:00–22:00 营业', 'the bot answers before the handoff');

  const asked = await s.says(openid, ' 人工 ');
  assert.equal(replyText(asked), DEFAULT_HANDOFF_SETTINGS.ackInHours);
  const waiting = await profile(openid);
  const requestedAt = new Date(s.clock.now()).toISOString();
  assert.deepEqual(waiting.handoff, { state: 'waiting', via: 'keyword', requestedAt, lastTeamAt: requestedAt });
  assert.equal(waiting.waitingSince, requestedAt, 'a new conversation waits from the request, not from an old message');
  assert.deepEqual(waiting.lastInbound, { at: requestedAt, preview: ' 人工 ' });

  s.clock.advance(10 * MINUTE);
  const quiet = await s.says(openid, '营业时间？');
  assert.equal(quiet.reply, null, 'a keyword rule stays quiet while a person has the conversation');
  assert.equal((await s.says(openid, '你好')).reply, null, 'the default reply stays quiet too');
  assert.equal((await profile(openid)).waitingSince, requestedAt, 'still waiting since the request');

  s.clock.advance(1_000);
  const signIn = await s.follower(openid, { type: 'click', key: 'SIGN_IN' });
  assert.match(replyText(signIn) ?? '', /签到成功/, 'menu actions still work');

  assert.equal(
    replyText(await s.says(openid, '人工')),
    ALREADY_HANDLED_REPLY.type === 'text' ? ALREADY_HANDLED_REPLY.content : '',
    'asking again: told to wait',
  );
  assert.equal((await profile(openid)).handoff?.requestedAt, requestedAt, 'asking again changes nothing');

  // 30 minutes (the default idle timeout) after the team's last action, the bot answers again.
  s.clock.set(Date.parse(requestedAt) + 30 * MINUTE);
  assert.equal(replyText(await s.says(openid, '营业时间？')), '每天 10:00–22:00 营业', 'after the idle timeout the bot answers');
});

test('a red-packet keyword stays quiet while a person has the conversation; the campaign menu button still grabs', async () => {
  await dynamoCampaignStore(s.table).create(activeCampaign('handoffrp1', { trigger: { keywords: ['红包'], menuKey: 'REDPACKET' } }));
  s.clock.set(Date.parse('2026-12-07T03:32:00Z')); // Monday 11:32 in Shanghai: the campaign's round is open
  const openid = 'o_handoff_redpacket';
  await subscribe(openid);
  assert.equal(replyText(await s.says(openid, '人工')), DEFAULT_HANDOFF_SETTINGS.ackInHours);
  assert.equal((await s.says(openid, '红包')).reply, null, 'no grab by keyword');
  s.clock.advance(1_000);
  assert.match(replyText(await s.follower(openid, { type: 'click', key: 'REDPACKET' })) ?? '', /元/, 'the menu button grabs');
});

test('outside service hours the follower gets the out-of-hours acknowledgement; the menu key and a rule action hand off too', async () => {
  s.clock.set(Date.parse('2026-12-07T12:00:00Z')); // Monday 20:00 in Shanghai
  const evening = 'o_handoff_evening';
  await subscribe(evening);
  assert.equal(replyText(await s.says(evening, '客服')), DEFAULT_HANDOFF_SETTINGS.ackOutOfHours);

  s.clock.set(Date.parse('2026-12-05T03:00:00Z')); // Saturday 11:00: not a service day
  const menu = 'o_handoff_menu';
  await subscribe(menu);
  s.clock.advance(1_000);
  assert.equal(replyText(await s.follower(menu, { type: 'click', key: 'HANDOFF' })), DEFAULT_HANDOFF_SETTINGS.ackOutOfHours);
  assert.equal((await profile(menu)).handoff?.via, 'menu');

  s.clock.set(Date.parse('2026-12-08T01:30:00Z')); // Tuesday 09:30
  const byRule = 'o_handoff_rule';
  await subscribe(byRule);
  assert.equal(replyText(await s.says(byRule, '找个人')), DEFAULT_HANDOFF_SETTINGS.ackInHours);
  const p = await profile(byRule);
  assert.equal(p.handoff?.via, 'rule');
  assert.equal(p.handoff?.state, 'waiting');
});

test('the settings change keywords, acknowledgements, hours and the idle timeout', async () => {
  await saveSettings({
    keywords: ['真人'],
    ackInHours: '稍等，马上有人来',
    serviceHours: { days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '02:00' },
    idleMinutes: 5,
  });
  s.clock.set(Date.parse('2026-12-09T16:30:00Z')); // Thursday 00:30 in Shanghai: inside Wednesday's 22:00–02:00
  const openid = 'o_handoff_settings';
  await subscribe(openid);
  assert.equal(replyText(await s.says(openid, '人工')), '收到，我们会尽快回复', 'an old keyword is an ordinary message now');
  assert.equal(replyText(await s.says(openid, '真人')), '稍等，马上有人来');
  s.clock.advance(5 * MINUTE);
  assert.equal(replyText(await s.says(openid, '营业时间')), '每天 10:00–22:00 营业', 'a 5-minute idle timeout');
  await saveSettings({});
});

test('WeChat mode hands the session to WeChat customer service (transfer_customer_service) and the chat page says so', async () => {
  await saveSettings({ mode: 'wechat' });
  const openid = 'o_handoff_wechat';
  await subscribe(openid);
  const answer = await s.says(openid, '转人工');
  assert.equal(answer.reply?.msgType, 'transfer_customer_service');
  assert.match(String(answer.raw), /<MsgType><!\[CDATA\[transfer_customer_service\]\]><\/MsgType>/);
  assert.equal((await profile(openid)).handoff, undefined, "WeChat's system has the conversation, not our inbox");
  const inbox = await (await fetch(`${s.sandbox.url}/sandbox/followers/${openid}/inbox`)).json();
  const last = inbox.entries.at(-1);
  assert.equal(last.channel, 'system');
  assert.equal(last.content, TRANSFERRED_NOTICE);
  await saveSettings({});
});

test('handoff settings through the admin API: defaults, a round trip, and 400s naming what is wrong', async () => {
  const got = await s.handlers.admin('GET', '/admin/handoff-settings');
  assert.equal(got.status, 200);
  assert.deepEqual(Object.keys(got.body).sort(), Object.keys(DEFAULT_HANDOFF_SETTINGS).sort());
  const wanted = {
    ...DEFAULT_HANDOFF_SETTINGS,
    keywords: ['人工', '找客服'],
    serviceHours: { days: [6, 1, 1], from: '08:30', to: '20:00' },
    retentionDays: 30,
  };
  const put = await s.handlers.admin('PUT', '/admin/handoff-settings', wanted);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body.serviceHours.days, [1, 6], 'days deduplicated and ordered');
  assert.deepEqual((await s.handlers.admin('GET', '/admin/handoff-settings')).body, put.body);

  const bad: [unknown, RegExp][] = [
    [{ ...wanted, keywords: [] }, /keywords/],
    [{ ...wanted, keywords: ['  '] }, /keywords/],
    [{ ...wanted, keywords: ['这是一个超过二十个字符的非常非常长的关键词啊啊'] }, /keywords/],
    [{ ...wanted, serviceHours: { days: [0], from: '09:00', to: '18:00' } }, /serviceHours/],
    [{ ...wanted, serviceHours: { days: [1], from: '9:00', to: '18:00' } }, /serviceHours/],
    [{ ...wanted, idleMinutes: 4 }, /idleMinutes/],
    [{ ...wanted, retentionDays: 2000 }, /retentionDays/],
    [{ ...wanted, mode: 'phone' }, /mode/],
    ['not json', /JSON|body/i],
  ];
  for (const [body, names] of bad) {
    const r = await s.handlers.admin('PUT', '/admin/handoff-settings', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(JSON.stringify(r.body), names);
  }
  await s.handlers.admin('PUT', '/admin/handoff-settings', DEFAULT_HANDOFF_SETTINGS);
});
