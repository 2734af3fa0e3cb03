import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../lib/wechat/xml';
import { loadHandlers } from './support/handlers';
import { eventXml, pushEvent } from './support/pushes';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  await useTestTable();
  handlers = await loadHandlers();
});

const content = (body: unknown) => String(parseXml(String(body)).value.Content);

test('my account: balance, level, progress to the next level and valid coupons', async () => {
  const openid = 'o_account_1';
  const t = Math.floor(Date.now() / 1000);
  await handlers.handleWeChat(pushEvent(eventXml(openid, 'subscribe', '', t)));
  assert.match(content((await handlers.handleWeChat(pushEvent(eventXml(openid, 'CLICK', 'SIGN_IN', t + 1)))).body), /签到成功！\+10 积分/);
  assert.equal(
    (await handlers.admin('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: 'free 红烧肉', validity: { type: 'endOfWeek' } })).status,
    201,
  );
  const issued = (await handlers.admin('POST', `/admin/members/${openid}/coupons`, { templateId: 'free-hongshaorou' })).body;
  const reply = content((await handlers.handleWeChat(pushEvent(eventXml(openid, 'CLICK', 'MY_ACCOUNT', t + 2)))).body);
  assert.match(reply, /会员等级：普通/);
  assert.match(reply, /当前积分：10/);
  assert.match(reply, /距离「银卡」：再得 490 积分/);
  assert.match(reply, new RegExp(`free 红烧肉（${issued.code}`));
});
