import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dispatchBroadcasts, dispatchPorts, sendPorts } from '../lib/app/broadcast';
import { historyStore } from '../lib/app/handoff';
import { closeRoundPorts } from '../lib/app/redpacket';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { sendChunk, type Chunk } from '../lib/broadcast/sendChunk';
import { DEFAULT_HANDOFF_SETTINGS } from '../lib/handoff/handoff';
import type { ConversationMessage } from '../lib/history/message';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { WorkQueue } from '../lib/queue/queue';
import { dynamoCampaignStore } from '../lib/redpacket/campaignStore';
import { closeRound } from '../lib/redpacket/closeRound';
import { SORRY_REPLY } from '../lib/conversation/respondToFollower';
import { activeCampaign } from './support/campaigns';
import { startClockedStack } from './support/clockedStack';
import { faultyTable } from './support/faultyTable';
import { seedMembers } from './support/members';
import { rule } from './support/rules';
import { postToSandbox } from './support/sandboxCalls';

// Conversation history through the sandbox: what followers send, what the bot answers and who
// answered, notices and broadcasts; on a moved clock (Monday 2026-12-07 11:35 in Shanghai, inside
// the test campaign's 11:30–11:40 round).
const START = Date.parse('2026-12-07T03:35:00Z');
let s: Awaited<ReturnType<typeof startClockedStack>>;
type Command = Parameters<Parameters<typeof faultyTable>[1]>[0];
/** The callback's requests a test wants to fail (none by default). */
let fails: (c: Command) => boolean = () => false;
const historyPut = (c: Command) => c.constructor.name === 'PutCommand' && String((c.input.Item as { sk?: unknown })?.sk).startsWith('MSG#');
const profileUpdate = (c: Command) => c.constructor.name === 'UpdateCommand' && (c.input.Key as { sk?: unknown })?.sk === 'PROFILE';

before(async () => {
  s = await startClockedStack(START, {
    table: (t) => faultyTable(t, (c) => fails(c)),
  });
  const rules = dynamoRuleStore(s.table);
  await rules.put(rule('welcome', { match: { type: 'subscribe' }, reply: { type: 'text', content: '欢迎光临味道小馆' } }));
  await rules.put(rule('hours', { match: { type: 'contains', pattern: '营业时间' }, reply: { type: 'text', content: '每天 10:00–22:00 营业' } }));
  const tpl = await s.handlers.admin('POST', '/admin/coupon-templates', {
    id: 'hist-prize',
    title: '红烧肉一份',
    value: { type: 'percent', percent: 10 },
    validity: { type: 'days', days: 30 },
  });
  assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
  await dynamoCampaignStore(s.table).create(activeCampaign('histcamp01', { bestLuckPrize: { couponTemplateId: 'hist-prize', validUntil: 'endOfWeek' } }));
});

after(() => s?.close());

const history = (openid: string, limit = 50) => historyStore(s.app).page(openid, { limit });
const summary = (messages: ConversationMessage[]) => messages.map((m) => `${m.direction} ${m.kind} ${JSON.stringify(m.by)}`);

test('history, newest first: what the follower sent and who answered — a welcome, a rule, a red-packet grab and its prize notice, a broadcast', async () => {
  const openid = 'o_history_1';
  s.clock.advance(1_000);
  await s.follower(openid, { type: 'event', event: 'subscribe', eventKey: 'qrscene_store' });
  await s.says(openid, '营业时间？');
  const grab = await s.says(openid, '红包');
  assert.match(grab.reply?.content ?? '', /红包|元/);

  s.clock.advance(60_000);
  const closed = await closeRound(closeRoundPorts(s.app), 'histcamp01', '2026-12-07');
  assert.equal(closed.status, 'closed');
  assert.equal(closed.status === 'closed' && closed.round.prize && 'couponCode' in closed.round.prize ? closed.round.prize.notifiedBy : undefined, 'custom');

  s.clock.advance(60_000);
  assert.equal((await s.handlers.admin('PUT', `/admin/members/${openid}/tags`, { add: ['history-vip'] })).status, 200);
  const created = await s.handlers.admin('POST', '/admin/broadcasts', {
    message: { channel: 'custom', text: '本周新菜：剁椒鱼头' },
    segment: { tag: 'history-vip' },
    sendAt: 'now',
    quietHours: null,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const chunks: Chunk[] = [];
  const queue: WorkQueue<Chunk> = { send: async (c) => void chunks.push(...c) };
  await dispatchBroadcasts({ ...dispatchPorts(s.app), queue }, 30_000);
  assert.equal(chunks.length, 1);
  assert.equal((await sendChunk(sendPorts(s.app), chunks[0]!)).kind, 'done');
  assert.equal((await sendChunk(sendPorts(s.app), chunks[0]!)).kind, 'done', 'a redelivered chunk');

  const { messages, cursor } = await history(openid);
  assert.equal(cursor, undefined);
  assert.deepEqual(summary(messages), [
    `out text {"kind":"broadcast","id":"${created.body.id}"}`,
    'out text {"kind":"campaign","id":"histcamp01"}',
    'out text {"kind":"campaign","id":"histcamp01"}',
    'in text {"kind":"follower"}',
    'out text {"kind":"rule","id":"hours"}',
    'in text {"kind":"follower"}',
    'out text {"kind":"welcome","id":"welcome"}',
    'in event {"kind":"follower"}',
  ]);
  const [broadcast, prize, grabbed, said, , asked, , subscribed] = messages as (ConversationMessage & { text?: string; key?: string })[];
  assert.equal(broadcast!.text, '本周新菜：剁椒鱼头', 'the broadcast once, though its chunk came twice');
  assert.match(prize!.text ?? '', /手气最佳/);
  assert.equal(grabbed!.text, grab.reply.content);
  assert.equal(said!.text, '红包');
  assert.equal(asked!.text, '营业时间？');
  assert.equal(subscribed!.key, 'qrscene_store');
  assert.ok(
    messages.every((m, i) => i === 0 || m.at <= messages[i - 1]!.at),
    'newest first',
  );

  const member = (await dynamoMemberStore(s.table).get(openid))!;
  assert.deepEqual(member.lastInbound, { at: said!.at, preview: '红包' }, 'the last message in the profile, for the inbox');
});

/** Creates a broadcast through the admin API and sends its one chunk as the worker would, on the test clock. */
async function sendBroadcast(body: Record<string, unknown>): Promise<string> {
  const created = await s.handlers.admin('POST', '/admin/broadcasts', { sendAt: 'now', quietHours: null, ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const chunks: Chunk[] = [];
  const queue: WorkQueue<Chunk> = { send: async (c) => void chunks.push(...c) };
  await dispatchBroadcasts({ ...dispatchPorts(s.app), queue }, 30_000);
  assert.equal(chunks.length, 1);
  const result = await sendChunk(sendPorts(s.app), chunks[0]!);
  assert.equal(result.kind, 'done', JSON.stringify((await s.handlers.admin('GET', `/admin/broadcasts/${created.body.id}`)).body));
  return created.body.id;
}

test('a template broadcast to a member outside the 48-hour window is kept as the notice it sent; a mass send as its text', async () => {
  const openid = 'o_history_template';
  await seedMembers(s.table, [{ openid, tags: ['history-tpl'], lastInteractionAt: new Date(s.clock.now() - 5 * 86_400_000).toISOString() }], s.clock.now());
  await postToSandbox(s.sandbox, '/sandbox/followers', { openids: [openid] });
  s.clock.advance(1_000);
  const template = await sendBroadcast({
    message: { channel: 'template', templateId: 'tpl-news', data: { thing1: '新品上市' } },
    segment: { tag: 'history-tpl' },
  });
  s.clock.advance(1_000);
  const mass = await sendBroadcast({ message: { channel: 'mass', text: '周末八折' }, segment: { tag: 'history-tpl' } });
  const { messages } = await history(openid);
  assert.deepEqual(
    messages.map(({ at: _at, ...m }) => m),
    [
      { kind: 'text', text: '周末八折', id: `broadcast:${mass}`, direction: 'out', by: { kind: 'broadcast', id: mass } },
      {
        kind: 'template',
        templateId: 'tpl-news',
        data: { thing1: { value: '新品上市' } },
        id: `broadcast:${template}`,
        direction: 'out',
        by: { kind: 'broadcast', id: template },
      },
    ],
  );
});

test('pages of history: a cursor to older messages, and a cursor from elsewhere is refused', async () => {
  const openid = 'o_history_pages';
  s.clock.advance(1_000);
  await s.follower(openid, { type: 'event', event: 'subscribe' });
  for (const n of [1, 2, 3]) await s.says(openid, `营业时间 ${n}`);
  const first = await history(openid, 2);
  assert.deepEqual(
    first.messages.filter((m) => m.direction === 'in').map((m) => ('text' in m ? m.text : m.kind)),
    ['营业时间 3', '营业时间 2'],
  );
  assert.ok(first.cursor);
  const second = await historyStore(s.app).page(openid, { limit: 2, cursor: first.cursor });
  assert.deepEqual(
    second.messages.filter((m) => m.direction === 'in').map((m) => ('text' in m ? m.text : m.kind)),
    ['营业时间 1', 'event'],
  );
  await assert.rejects(historyStore(s.app).page(openid, { limit: 2, cursor: Buffer.from('PROFILE').toString('base64url') }), /cursor/);
});

test('each push is one history item kept for the retention the handoff settings give (TTL)', async () => {
  const openid = 'o_history_ttl';
  s.clock.advance(1_000);
  await s.follower(openid, { type: 'event', event: 'subscribe' });
  const items = async () =>
    (
      await s.table.doc.send(
        new QueryCommand({
          TableName: s.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
          ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':msg': 'MSG#' },
          ScanIndexForward: false,
        }),
      )
    ).Items ?? [];
  const [welcome] = await items();
  assert.equal(welcome!.messages.length, 2, 'the push and its reply in one item');
  assert.equal(welcome!.expiresAt, Math.floor(s.clock.now() / 1000) + 180 * 86_400);

  assert.equal((await s.handlers.admin('PUT', '/admin/handoff-settings', { ...DEFAULT_HANDOFF_SETTINGS, retentionDays: 30 })).status, 200);
  s.clock.advance(6_000); // past the callback's settings cache
  await s.says(openid, '营业时间');
  const [hours] = await items();
  assert.equal(hours!.expiresAt, Math.floor(s.clock.now() / 1000) + 30 * 86_400);
  await s.handlers.admin('PUT', '/admin/handoff-settings', DEFAULT_HANDOFF_SETTINGS);
});

/** A follower subscribes, then says `text` while the callback's requests that `failing` picks fail. */
async function subscribedThenSays(openid: string, text: string, failing: (c: Command) => boolean) {
  s.clock.advance(1_000);
  await s.follower(openid, { type: 'event', event: 'subscribe' });
  fails = failing;
  try {
    return await s.says(openid, text);
  } finally {
    fails = () => false;
  }
}

test('a history write that fails does not change the follower answer', async () => {
  const openid = 'o_history_fault';
  const answer = await subscribedThenSays(openid, '营业时间', historyPut);
  assert.equal(answer.reply?.content, '每天 10:00–22:00 营业');
  const { messages } = await history(openid);
  assert.equal(messages.filter((m) => m.direction === 'in').length, 1, 'only the subscribe was kept; the failed write is not retried');
  assert.equal((await dynamoMemberStore(s.table).get(openid))?.lastInbound?.preview, '营业时间', 'the profile write went on');
});

test('a push apologised for (storage failing) is kept with the apology', async () => {
  const openid = 'o_history_apology';
  const answer = await subscribedThenSays(openid, '营业时间', profileUpdate);
  assert.equal(answer.reply?.content, SORRY_REPLY.type === 'text' ? SORRY_REPLY.content : '');
  const [apology, asked] = (await history(openid)).messages;
  assert.deepEqual(
    [apology, asked].map((m) => ({ direction: m?.direction, by: m?.by, text: m && 'text' in m ? m.text : undefined })),
    [
      { direction: 'out', by: { kind: 'apology' }, text: SORRY_REPLY.type === 'text' ? SORRY_REPLY.content : '' },
      { direction: 'in', by: { kind: 'follower' }, text: '营业时间' },
    ],
  );
});

test('export includes the history; erasure deletes it', async () => {
  const openid = 'o_history_privacy';
  s.clock.advance(1_000);
  await s.follower(openid, { type: 'event', event: 'subscribe' });
  await s.says(openid, '营业时间');
  const exported = await s.handlers.admin('GET', `/admin/members/${openid}/export`);
  assert.equal(exported.status, 200);
  const kept = (exported.body.msg as { messages: ConversationMessage[] }[]).flatMap((i) => i.messages);
  assert.deepEqual(
    kept.map((m) => `${m.direction} ${m.kind}`),
    ['in event', 'out text', 'in text', 'out text'],
  );
  assert.equal((await s.handlers.admin('DELETE', `/admin/members/${openid}`)).status, 200);
  assert.deepEqual((await history(openid)).messages, []);
});
