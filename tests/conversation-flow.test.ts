import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { DEFAULT_HANDOFF_SETTINGS } from '../lib/handoff/handoff';
import { subOf } from './support/conversations';
import { asPerson, createPerson, idTokenOf } from './support/people';
import { rule } from './support/rules';
import { postToSandbox } from './support/sandboxCalls';
import { startStack, type Stack } from './support/stack';

// The whole handoff, end to end over the real handlers, DynamoDB Local, cognito-local and the
// sandbox as WeChat: the bot answers, the follower asks for a person, an agent claims and answers
// through the inbox, the bot stays quiet meanwhile and comes back when the agent closes, and the
// member's history tells it in order with who said what.
let stack: Stack;
let agent: { token: string; email: string; sub: string };

before(async () => {
  stack = await startStack();
  await dynamoRuleStore(stack.table).put(
    rule('flow-hours', { match: { type: 'contains', pattern: '营业时间' }, reply: { type: 'text', content: '每天 10:00–22:00 营业' } }),
  );
  const { email, password } = await createPerson(['agent']);
  const token = await idTokenOf(email, password);
  agent = { token, email, sub: subOf(token) };
});
after(() => stack?.close());

const as = (method: string, path: string, body?: unknown, query: Record<string, string> = {}) =>
  stack.handlers.admin(method, path, body, { query, headers: asPerson(agent.token) });
const says = async (openid: string, content: string): Promise<string | null> => {
  const answer = await postToSandbox(stack.sandbox, `/sandbox/followers/${openid}/messages`, { type: 'text', content });
  return answer.reply?.content ?? null;
};
const phone = (openid: string) =>
  stack.sandbox.state
    .inboxOf(openid)
    .filter((e) => e.direction === 'in' && e.channel === 'custom')
    .map((e) => e.content);

test('the bot answers, the follower asks for a person, an agent answers through the inbox, the bot is quiet until the agent closes', async () => {
  const openid = `o_flow_${Date.now().toString(36)}`;
  assert.equal(await says(openid, '营业时间？'), '每天 10:00–22:00 营业', 'the bot answers first');

  const ack = await says(openid, '转人工');
  assert.ok(ack === DEFAULT_HANDOFF_SETTINGS.ackInHours || ack === DEFAULT_HANDOFF_SETTINGS.ackOutOfHours, `acknowledged: ${ack}`);

  const waiting = await as('GET', '/admin/conversations', undefined, { state: 'waiting' });
  assert.equal(waiting.status, 200);
  const entry = waiting.body.conversations.find((c: { openid: string }) => c.openid === openid);
  assert.ok(entry, 'the conversation waits in the inbox');
  assert.equal(entry.via, 'keyword');
  assert.equal(entry.lastMessage.preview, '转人工');

  assert.equal(await says(openid, '营业时间？'), null, 'keyword rules stay quiet while a person has it');

  assert.equal((await as('POST', `/admin/conversations/${openid}/claim`)).status, 200);
  const open = await as('GET', '/admin/conversations', undefined, { state: 'open', assignee: 'me' });
  assert.ok(
    open.body.conversations.some((c: { openid: string }) => c.openid === openid),
    'mine, open',
  );

  const replied = await as('POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '您好，我们每天 10 点开门，请问还有什么可以帮您？' });
  assert.equal(replied.status, 200, JSON.stringify(replied.body));
  assert.deepEqual(phone(openid), ['您好，我们每天 10 点开门，请问还有什么可以帮您？'], "the follower's chat shows the agent's reply");
  const mine = async () =>
    (await as('GET', '/admin/conversations', undefined, { state: 'open', assignee: 'me' })).body.conversations.find(
      (c: { openid: string }) => c.openid === openid,
    );
  const answered = await mine();
  assert.equal(answered.lastMessage.direction, 'out');
  assert.equal(answered.waitingSince, undefined, 'the follower waits no more once answered');
  assert.equal(await says(openid, '营业时间？'), null, 'still quiet after the reply');
  const again = await mine();
  assert.deepEqual([again.lastMessage.direction, again.lastMessage.preview], ['in', '营业时间？']);
  assert.ok(again.waitingSince, 'waiting again once the follower writes');

  assert.equal((await as('POST', `/admin/conversations/${openid}/close`)).status, 200);
  assert.equal(await says(openid, '营业时间？'), '每天 10:00–22:00 营业', 'the bot answers again after close');

  const history = await as('GET', `/admin/members/${openid}/conversation`);
  assert.equal(history.status, 200);
  const told = (history.body.messages as { direction: string; text?: string; by: { kind: string; id?: string } }[])
    .slice()
    .reverse()
    .map((m) => `${m.direction} ${m.by.kind}${m.by.id && m.by.kind !== 'agent' ? `:${m.by.id}` : ''} ${m.text ?? ''}`.trim());
  assert.deepEqual(told, [
    'in follower 营业时间？',
    'out rule:flow-hours 每天 10:00–22:00 营业',
    'in follower 转人工',
    `out handoff ${ack}`,
    'in follower 营业时间？',
    'out agent 您好，我们每天 10 点开门，请问还有什么可以帮您？',
    'in follower 营业时间？',
    'in follower 营业时间？',
    'out rule:flow-hours 每天 10:00–22:00 营业',
  ]);
});
