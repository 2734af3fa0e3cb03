import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sandbox } from '../sandbox/server';
import { setConversation, subOf } from './support/conversations';
import { asPerson, createPerson, idTokenOf, tokenFor } from './support/people';
import { postToSandbox } from './support/sandboxCalls';
import { startStack, type Stack } from './support/stack';

// The agents' inbox over the real admin handler, DynamoDB Local, cognito-local people and the
// sandbox as WeChat: a follower waits, agents race to claim, the winner's replies reach the
// follower's phone, WeChat's refusals come back with what to do instead.
let stack: Stack;
let sandbox: Sandbox;
let ann: { token: string; email: string; sub: string };
let bob: { token: string; email: string; sub: string };

async function agent(): Promise<{ token: string; email: string; sub: string }> {
  const { email, password } = await createPerson(['agent']);
  const token = await idTokenOf(email, password);
  return { token, email, sub: subOf(token) };
}

before(async () => {
  stack = await startStack();
  sandbox = stack.sandbox;
  [ann, bob] = await Promise.all([agent(), agent()]);
});
after(() => stack?.close());

const as = (who: { token: string }, method: string, path: string, body?: unknown, query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  stack.handlers.admin(method, path, body, { query, headers: { ...asPerson(who.token), ...headers } });
const writes = (openid: string, content: string) => postToSandbox(sandbox, `/sandbox/followers/${openid}/messages`, { type: 'text', content });
const phone = (openid: string) => sandbox.state.inboxOf(openid).filter((e) => e.direction === 'in' && e.channel === 'custom');
let seq = 0;
const follower = async (content = '在吗') => {
  const openid = `o_inbox_${Date.now().toString(36)}_${seq++}`;
  await writes(openid, content);
  return openid;
};
const waiting = async (query: Record<string, string> = {}) => (await as(ann, 'GET', '/admin/conversations', undefined, { state: 'waiting', ...query })).body;

describe('a follower asks for a person', () => {
  test('waits in the inbox, two agents race to claim: one wins, the other is told who; the winner replies and the follower sees it', async () => {
    const openid = await follower('我的订单还没到');
    const asked = new Date(Date.now() - 90_000).toISOString();
    await setConversation(stack.table, openid, { requestedAt: asked, lastTeamAt: asked });

    const listed = (await waiting()).conversations.find((c: { openid: string }) => c.openid === openid);
    assert.ok(listed, 'the waiting conversation is listed');
    assert.equal(listed.state, 'waiting');
    assert.equal(listed.via, 'keyword');
    assert.ok(listed.waitedSeconds >= 89 && listed.waitedSeconds < 200, `waited ${listed.waitedSeconds}s`);
    assert.ok(listed.windowLeftSeconds > 47 * 3600 && listed.windowLeftSeconds <= 48 * 3600, `window left ${listed.windowLeftSeconds}s`);
    assert.equal(listed.botAnswering, false);
    assert.equal(listed.level, '普通');
    assert.deepEqual(listed.tags, []);
    assert.equal(listed.assignee, undefined);

    const [a, b] = await Promise.all([as(ann, 'POST', `/admin/conversations/${openid}/claim`), as(bob, 'POST', `/admin/conversations/${openid}/claim`)]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `${JSON.stringify(a.body)} ${JSON.stringify(b.body)}`);
    const [winner, loser, lost] = a.status === 200 ? [ann, bob, b] : [bob, ann, a];
    assert.equal(lost.body.assignee.name, winner.email);
    assert.match(lost.body.error, new RegExp(`handled by ${winner.email.replace(/[.+]/g, '\\$&')}$`));
    assert.equal((await as(winner, 'POST', `/admin/conversations/${openid}/claim`)).status, 200, 'claiming one’s own conversation again is fine');

    const refused = await as(loser, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '我来看看' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.assignee.id, winner.sub);
    assert.deepEqual(phone(openid), [], 'nothing went out for the refused reply');

    const replied = await as(winner, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '您好，我帮您查一下物流' });
    assert.equal(replied.status, 200, JSON.stringify(replied.body));
    assert.deepEqual(
      phone(openid).map((e) => e.content),
      ['您好，我帮您查一下物流'],
    );
    assert.equal(replied.body.message.by.kind, 'agent');
    assert.equal(replied.body.message.by.name, winner.email);

    const open = (await as(winner, 'GET', '/admin/conversations', undefined, { state: 'open', assignee: 'me' })).body.conversations;
    const mine = open.find((c: { openid: string }) => c.openid === openid);
    assert.ok(mine, 'in my open conversations');
    assert.equal(mine.assignee.id, winner.sub);
    assert.equal(mine.waitingSince, undefined, 'the follower waits no more once answered');
    assert.equal(mine.waitedSeconds, 0);
    assert.deepEqual(mine.lastMessage, { direction: 'out', at: replied.body.message.at, preview: '您好，我帮您查一下物流' });
    const others = (await as(loser, 'GET', '/admin/conversations', undefined, { state: 'open', assignee: 'me' })).body.conversations;
    assert.ok(!others.some((c: { openid: string }) => c.openid === openid), 'not in the other agent’s');
    assert.ok(!(await waiting()).conversations.some((c: { openid: string }) => c.openid === openid), 'no longer waiting');

    const history = (await as(loser, 'GET', `/admin/members/${openid}/conversation`)).body.messages;
    const reply = history.find((m: { id: string }) => m.id === replied.body.message.id);
    assert.deepEqual(reply, {
      kind: 'text',
      text: '您好，我帮您查一下物流',
      id: replied.body.message.id,
      direction: 'out',
      at: replied.body.message.at,
      by: { kind: 'agent', id: winner.sub, name: winner.email },
    });
  });

  test('image and article replies, quick replies, notes and closing', async () => {
    const openid = await follower();
    await setConversation(stack.table, openid);
    assert.equal((await as(ann, 'POST', `/admin/conversations/${openid}/claim`)).status, 200);

    const operator = { token: await tokenFor('operator') };
    const saved = await as(operator, 'PUT', '/admin/quick-replies', {
      replies: [
        { id: 'hours', title: '营业时间', reply: '每天 10:00–22:00' },
        {
          id: 'menu',
          title: '菜单',
          reply: { type: 'news', article: { title: '本周菜单', url: 'https://example.com/menu', picUrl: 'https://example.com/m.jpg' } },
        },
      ],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual((await as(ann, 'GET', '/admin/quick-replies')).body.replies[0], {
      id: 'hours',
      title: '营业时间',
      reply: { type: 'text', text: '每天 10:00–22:00' },
    });
    assert.equal((await as(ann, 'PUT', '/admin/quick-replies', { replies: [] })).status, 403, 'agents use quick replies; operators keep them');

    for (const body of [{ quickReplyId: 'hours' }, { quickReplyId: 'menu' }, { type: 'image', mediaId: 'MEDIA_1' }]) {
      const r = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, body);
      assert.equal(r.status, 200, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    }
    const got = phone(openid);
    assert.deepEqual(
      got.map((e) => [e.msgType, e.content ?? e.articles?.[0]?.title ?? e.mediaId]),
      [
        ['text', '每天 10:00–22:00'],
        ['news', '本周菜单'],
        ['image', 'MEDIA_1'],
      ],
    );
    assert.equal(got[1]!.articles?.[0]?.url, 'https://example.com/menu');
    const unknown = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { quickReplyId: 'nope' });
    assert.equal(unknown.status, 404);

    const note = await as(bob, 'POST', `/admin/conversations/${openid}/notes`, { text: 'VIP，优先处理' });
    assert.equal(note.status, 200);
    assert.equal(phone(openid).length, 3, 'a note is never sent');
    const closed = await as(bob, 'POST', `/admin/conversations/${openid}/close`);
    assert.equal(closed.status, 200);
    assert.equal(closed.body.handoff.state, 'closed');
    assert.equal(closed.body.handoff.closedBy, bob.email);
    assert.equal((await as(bob, 'POST', `/admin/conversations/${openid}/close`)).status, 409, 'closed already');

    const after = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '还在吗' });
    assert.equal(after.status, 409, 'no reply to a closed conversation: claim it again first');
    const history = (await as(ann, 'GET', `/admin/members/${openid}/conversation`)).body.messages;
    assert.deepEqual(
      history.filter((m: { by: { kind: string } }) => m.by.kind === 'agent').map((m: { direction: string; kind: string }) => `${m.direction}:${m.kind}`),
      ['note:text', 'out:image', 'out:news', 'out:text'],
      'newest first, the note among the replies',
    );
    const closedList = (await as(ann, 'GET', '/admin/conversations', undefined, { state: 'closed' })).body.conversations;
    const entry = closedList.find((c: { openid: string }) => c.openid === openid);
    assert.equal(entry.state, 'closed');
    assert.equal(entry.botAnswering, true);
    assert.equal(entry.windowLeftSeconds, 0);

    const again = await as(bob, 'POST', `/admin/conversations/${openid}/claim`);
    assert.equal(again.status, 200, 'claiming a closed conversation opens a new one');
    assert.deepEqual([again.body.handoff.state, again.body.handoff.via, again.body.handoff.assignee.id], ['open', 'agent', bob.sub]);
  });
});

describe('what WeChat refuses comes back with what to do instead', () => {
  test('48 hours after the follower last wrote: 45015, reason window, a template notice instead', async () => {
    const openid = await follower();
    await setConversation(stack.table, openid);
    await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
    await postToSandbox(sandbox, '/sandbox/clock', { advanceSeconds: 48 * 3600 + 60 });
    try {
      const r = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '抱歉久等' });
      assert.equal(r.status, 409);
      assert.deepEqual([r.body.errcode, r.body.reason], [45015, 'window']);
      assert.match(r.body.instead, /service notice with a template/);
      assert.deepEqual(phone(openid), []);
    } finally {
      await postToSandbox(sandbox, '/sandbox/clock', { advanceSeconds: -(48 * 3600 + 60) });
    }
  });

  test('a sixth reply to one follower message: 45047, reason too-many; the follower writing again allows more', async () => {
    const openid = await follower();
    await setConversation(stack.table, openid);
    await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
    for (let i = 1; i <= 5; i++)
      assert.equal((await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: `第${i}条` })).status, 200);
    const sixth = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '第6条' });
    assert.equal(sixth.status, 409);
    assert.deepEqual([sixth.body.errcode, sixth.body.reason], [45047, 'too-many']);
    assert.match(sixth.body.instead, /Wait for the follower to write/);
    assert.equal(phone(openid).length, 5);
    await writes(openid, '好的');
    assert.equal((await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '收到' })).status, 200);
  });

  test('WeChat failing otherwise (system busy): 502 with the errcode; the conversation is as it was', async () => {
    const openid = await follower();
    await setConversation(stack.table, openid);
    await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
    await postToSandbox(sandbox, '/sandbox/faults', { path: '/cgi-bin/message/custom/send', kind: 'busy', openid });
    const r = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '您好' });
    assert.equal(r.status, 502);
    assert.equal(r.body.errcode, -1);
    assert.deepEqual(phone(openid), []);
    const history = (await as(ann, 'GET', `/admin/members/${openid}/conversation`)).body.messages;
    assert.ok(!history.some((m: { by: { kind: string } }) => m.by.kind === 'agent'), 'nothing recorded for a reply that did not go out');
    assert.equal(
      (await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '您好' })).status,
      200,
      'the same reply later goes out',
    );
  });

  test('after unfollowing: 43004, reason unfollowed', async () => {
    const openid = await follower();
    await setConversation(stack.table, openid);
    await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
    await postToSandbox(sandbox, `/sandbox/followers/${openid}/messages`, { type: 'event', event: 'unsubscribe' });
    const r = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '您好' });
    assert.equal(r.status, 409);
    assert.deepEqual([r.body.errcode, r.body.reason], [43004, 'unfollowed']);
    assert.match(r.body.instead, /follow again/);
  });
});

describe('the inbox over time', () => {
  test('open conversations the team let go idle are closed as idle when the inbox is read; waiting ones stay, the bot answering', async () => {
    const idle = await follower();
    const long = new Date(Date.now() - 31 * 60_000).toISOString();
    await setConversation(stack.table, idle, { state: 'open', assignee: { id: ann.sub, name: ann.email }, requestedAt: long, lastTeamAt: long });
    const stale = await follower();
    await setConversation(stack.table, stale, { requestedAt: long, lastTeamAt: long });

    const open = (await as(ann, 'GET', '/admin/conversations', undefined, { state: 'open' })).body.conversations;
    assert.ok(!open.some((c: { openid: string }) => c.openid === idle), 'the idle one is not open any more');
    const closed = (await as(ann, 'GET', '/admin/conversations', undefined, { state: 'closed' })).body.conversations;
    const entry = closed.find((c: { openid: string }) => c.openid === idle);
    assert.ok(entry, 'closed');
    assert.equal(entry.assignee.id, ann.sub);
    const profile = (await as(ann, 'GET', `/admin/members/${idle}`)).body;
    assert.equal(profile.handoff.closedBy, 'idle');

    const stillWaiting = (await waiting()).conversations.find((c: { openid: string }) => c.openid === stale);
    assert.ok(stillWaiting, 'a waiting conversation stays in the inbox');
    assert.equal(stillWaiting.botAnswering, true);
  });

  test('a conversation its agent let go idle may be claimed by a colleague; one handled within the timeout may not', async () => {
    const openid = await follower();
    const long = new Date(Date.now() - 45 * 60_000).toISOString();
    await setConversation(stack.table, openid, { state: 'open', assignee: { id: ann.sub, name: ann.email }, requestedAt: long, lastTeamAt: long });
    const taken = await as(bob, 'POST', `/admin/conversations/${openid}/claim`);
    assert.equal(taken.status, 200, JSON.stringify(taken.body));
    assert.equal(taken.body.handoff.assignee.id, bob.sub);
    assert.equal(taken.body.handoff.requestedAt, long, 'the same conversation, not a new one');
    const back = await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
    assert.equal(back.status, 409);
    assert.equal(back.body.assignee.id, bob.sub);
  });

  test('waiting conversations come oldest first; the list and the conversation answer 304 to a matching If-None-Match', async () => {
    const [first, second] = [await follower(), await follower()];
    const t0 = Date.now();
    await setConversation(stack.table, second, { requestedAt: new Date(t0 - 60_000).toISOString() });
    await setConversation(stack.table, first, { requestedAt: new Date(t0 - 120_000).toISOString() });
    const order = (await waiting()).conversations.map((c: { openid: string }) => c.openid).filter((o: string) => o === first || o === second);
    assert.deepEqual(order, [first, second]);

    const one = await as(ann, 'GET', '/admin/conversations', undefined, { state: 'waiting' });
    const etag = String(one.headers?.etag);
    assert.match(etag, /^"[\w-]+"$/);
    const unchanged = await as(ann, 'GET', '/admin/conversations', undefined, { state: 'waiting' }, { 'if-none-match': etag });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.body, undefined);
    await as(bob, 'POST', `/admin/conversations/${first}/claim`);
    const changed = await as(ann, 'GET', '/admin/conversations', undefined, { state: 'waiting' }, { 'if-none-match': etag });
    assert.equal(changed.status, 200, 'a claim changes the list');
    assert.notEqual(changed.headers?.etag, etag);

    const chat = await as(ann, 'GET', `/admin/members/${second}/conversation`);
    const tag = String(chat.headers?.etag);
    assert.equal((await as(ann, 'GET', `/admin/members/${second}/conversation`, undefined, {}, { 'if-none-match': `W/${tag}` })).status, 304);
    await as(ann, 'POST', `/admin/conversations/${second}/notes`, { text: '稍后回电' });
    assert.equal(
      (await as(ann, 'GET', `/admin/members/${second}/conversation`, undefined, {}, { 'if-none-match': tag })).status,
      200,
      'a note changes the conversation',
    );
  });

  test('the conversation pages newest first; a bad cursor or query is a 400 naming it; an unknown member a 404', async () => {
    const openid = await follower();
    for (const text of ['一', '二', '三', '四', '五']) assert.equal((await as(ann, 'POST', `/admin/conversations/${openid}/notes`, { text })).status, 200);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await as(ann, 'GET', `/admin/members/${openid}/conversation`, undefined, { limit: '2', ...(cursor ? { cursor } : {}) });
      assert.equal(page.status, 200);
      assert.ok(page.body.messages.length <= 2);
      seen.push(...page.body.messages.filter((m: { direction: string }) => m.direction === 'note').map((m: { text: string }) => m.text));
      cursor = page.body.cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen, ['五', '四', '三', '二', '一']);

    const bad = await as(ann, 'GET', `/admin/members/${openid}/conversation`, undefined, { cursor: 'bm90LWEta2V5' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^cursor/);
    assert.equal((await as(ann, 'GET', '/admin/conversations', undefined, { state: 'closed', cursor: 'bm9wZQ' })).status, 400);
    const badState = await as(ann, 'GET', '/admin/conversations', undefined, { state: 'lost' });
    assert.equal(badState.status, 400);
    assert.match(badState.body.error, /^state/);
    assert.equal((await as(ann, 'GET', '/admin/members/o_nobody_here/conversation')).status, 404);
    assert.equal((await as(ann, 'POST', '/admin/conversations/o_nobody_here/claim')).status, 404);
    const empty = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'text', text: '  ' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error, /text/);
    const badUrl = await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'news', article: { title: 't', url: 'javascript:alert(1)' } });
    assert.equal(badUrl.status, 400);
  });

  test('closed conversations page newest first', async () => {
    const ids = [await follower(), await follower(), await follower()];
    for (const openid of ids) {
      await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
      await as(ann, 'POST', `/admin/conversations/${openid}/close`);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(ann, 'GET', '/admin/conversations', undefined, { state: 'closed', limit: '2', ...(cursor ? { cursor } : {}) });
      assert.equal(page.status, 200);
      seen.push(...page.body.conversations.map((c: { openid: string }) => c.openid));
      cursor = page.body.cursor;
    } while (cursor && seen.length < 200);
    const mine = seen.filter((o) => ids.includes(o));
    assert.deepEqual(mine, [...ids].reverse());
  });

  test('viewers and marketers see no conversations', async () => {
    for (const role of ['viewer', 'marketer'] as const) {
      const r = await as({ token: await tokenFor(role) }, 'GET', '/admin/conversations');
      assert.equal(r.status, 403, role);
    }
  });
});

describe('media', () => {
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

  test('a follower’s photo is fetched through WeChat’s media API with its type; an unknown media_id is a 404', async () => {
    const openid = `o_photo_${Date.now().toString(36)}`;
    await postToSandbox(sandbox, `/sandbox/followers/${openid}/messages`, { type: 'image' });
    const mediaId = sandbox.state.inboxOf(openid).find((e) => e.direction === 'out' && e.msgType === 'image')?.mediaId;
    assert.ok(mediaId);
    const got = await as(ann, 'GET', `/admin/media/${mediaId}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers?.['content-type'], 'image/png');
    assert.deepEqual(Buffer.from(String(got.body), 'base64'), sandbox.state.media.get(mediaId)?.bytes);
    assert.equal((await as(ann, 'GET', '/admin/media/SANDBOX_MEDIA_unknown')).status, 404);
  });

  test('an agent uploads an image and sends it by its media_id; what is not the image it claims to be is a 400', async () => {
    const up = await as(ann, 'POST', '/admin/media', { fileName: 'map.png', contentType: 'image/png', dataBase64: PNG.toString('base64') });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.deepEqual(sandbox.state.media.get(up.body.mediaId)?.bytes, PNG);
    const openid = await follower();
    await as(ann, 'POST', `/admin/conversations/${openid}/claim`);
    assert.equal((await as(ann, 'POST', `/admin/conversations/${openid}/replies`, { type: 'image', mediaId: up.body.mediaId })).status, 200);
    assert.deepEqual(
      phone(openid).map((e) => [e.msgType, e.mediaId]),
      [['image', up.body.mediaId]],
    );

    const lying = await as(ann, 'POST', '/admin/media', { fileName: 'map.jpg', contentType: 'image/jpeg', dataBase64: PNG.toString('base64') });
    assert.equal(lying.status, 400);
    assert.match(lying.body.error, /^dataBase64: not a image\/jpeg image/);
    const gif = await as(ann, 'POST', '/admin/media', { fileName: 'a.gif', contentType: 'image/gif', dataBase64: PNG.toString('base64') });
    assert.equal(gif.status, 400);
    assert.match(gif.body.error, /^contentType/);
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]);
    const tooBig = await as(ann, 'POST', '/admin/media', { fileName: 'big.png', contentType: 'image/png', dataBase64: big.toString('base64') });
    assert.equal(tooBig.status, 400);
    assert.match(tooBig.body.error, /^dataBase64/);
  });
});
