import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import { loadHandlers } from './support/handlers';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  const table = await useTestTable();
  handlers = await loadHandlers();
  const members = dynamoMemberStore(table);
  for (const openid of ['o_attr_sh_nov', 'o_attr_sh_may', 'o_attr_bj_nov', 'o_attr_none']) {
    await members.recordInteraction(openid, { kind: 'event', at: Date.now(), event: 'subscribe' });
  }
});

test('persona attributes are set, removed with null, validated, and select members in segments', async () => {
  const set = (openid: string, body: unknown) => handlers.admin('PUT', `/admin/members/${openid}/attributes`, body);
  assert.equal((await set('o_attr_sh_nov', { region: '上海', birthdayMonth: 11, purchaseCategories: ['火锅', '烧烤'] })).status, 200);
  assert.equal((await set('o_attr_sh_may', { region: '上海', birthdayMonth: 5 })).status, 200);
  const bj = await set('o_attr_bj_nov', { region: '北京', birthdayMonth: 11, purchaseCategories: ['火锅'] });
  assert.equal(bj.body.region, '北京');
  const cleared = await set('o_attr_bj_nov', { purchaseCategories: null });
  assert.equal(cleared.body.purchaseCategories, undefined);
  assert.equal(cleared.body.region, '北京', 'other attributes stay');

  const bad = await set('o_attr_none', { birthdayMonth: 13, colour: 'red' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /birthdayMonth/);
  assert.equal((await set('o_nobody', { region: '上海' })).status, 404);

  const preview = async (segment: unknown) => (await handlers.admin('POST', '/admin/segments/preview', { segment, sampleSize: 10 })).body;
  assert.deepEqual((await preview({ region: '上海' })).sample.sort(), ['o_attr_sh_may', 'o_attr_sh_nov']);
  assert.deepEqual((await preview({ all: [{ birthdayMonth: { in: [11] } }, { not: { region: '上海' } }] })).sample, ['o_attr_bj_nov']);
  assert.deepEqual((await preview({ purchaseCategory: '火锅' })).sample, ['o_attr_sh_nov']);
  assert.equal((await handlers.admin('POST', '/admin/segments/preview', { segment: { birthdayMonth: { in: [0] } } })).status, 400);
});
