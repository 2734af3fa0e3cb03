import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHandlers } from './support/handlers';
import { pushEvent, textXml } from './support/pushes';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  await useTestTable();
  handlers = await loadHandlers();
});

test('a keyword rule with tags tags the follower it answers; bad tag names are a 400', async () => {
  // Created before the callback's first message, so its 5-second rule cache starts with it.
  const created = await handlers.admin('POST', '/admin/autoreply-rules', {
    id: 'spicy',
    match: { type: 'contains', pattern: '辣' },
    reply: { type: 'text', content: '我们有招牌麻辣香锅！' },
    tags: { add: ['吃辣'], remove: ['清淡'] },
  });
  assert.equal(created.status, 201);
  const res = await handlers.handleWeChat(pushEvent(textXml('o_tagged', '有辣的菜吗')));
  assert.match(String(res.body), /麻辣香锅/);
  assert.deepEqual((await handlers.admin('GET', '/admin/members/o_tagged')).body.tags, ['吃辣']);
  await handlers.handleWeChat(pushEvent(textXml('o_untagged', '你好')));
  assert.deepEqual((await handlers.admin('GET', '/admin/members/o_untagged')).body.tags, []);
  const bad = await handlers.admin('POST', '/admin/autoreply-rules', {
    match: { type: 'exact', pattern: 'x' },
    reply: { type: 'text', content: 'x' },
    tags: { add: [''] },
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /tags\.add\.0/);
});
