import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHandlers } from './support/handlers';
import { seedMembers } from './support/members';
import { useTestTable } from './support/testTable';

// The console's search box: one query finds a member by openid, phone (any format), unionid or tag.
let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  const table = await useTestTable();
  handlers = await loadHandlers();
  await seedMembers(table, [{ openid: 'o_search_1', tags: ['vip'] }, { openid: 'o_search_2', tags: ['vip'] }, { openid: 'o_search_3' }], Date.now());
  const imported = await handlers.admin('POST', '/admin/members/import', {
    rows: [{ phone: '13800138000', unionid: 'u_search', channel: 'website', name: '张三' }],
  });
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
});

const search = async (q: string) => (await handlers.admin('GET', '/admin/members/search', undefined, { query: { q } })).body;

test('by openid, by phone in any common format, by unionid, by tag', async () => {
  assert.deepEqual(
    (await search('o_search_3')).hits.map((h: { by: string; id: string }) => [h.by, h.id]),
    [['openid', 'o_search_3']],
  );
  for (const q of ['13800138000', '138 0013 8000', '+86 138-0013-8000']) {
    const hits = (await search(q)).hits;
    assert.deepEqual(
      hits.map((h: { by: string; kind: string }) => [h.by, h.kind]),
      [['phone', 'prospect']],
      q,
    );
  }
  assert.deepEqual(
    (await search('u_search')).hits.map((h: { by: string; kind: string }) => [h.by, h.kind]),
    [['unionid', 'prospect']],
  );
  assert.deepEqual((await search('vip')).hits.map((h: { id: string }) => h.id).sort(), ['o_search_1', 'o_search_2']);
  assert.deepEqual((await search('nobody')).hits, []);
});

test('an empty query is a 400 that says what to type', async () => {
  const r = await handlers.admin('GET', '/admin/members/search', undefined, { query: { q: '  ' } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /^q: type an openid, a phone number/);
});
