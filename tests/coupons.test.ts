import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fixedClock } from '../lib/clock/clock';
import { businessDay } from '../lib/clock/timeZone';
import { COUPON_CODE } from '../lib/coupons/code';
import { dynamoCouponPorts, issueCoupon, redeemCoupon, validCouponsOf } from '../lib/coupons/issueCoupon';
import { localWallClock } from '../lib/coupons/validity';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { Table } from '../lib/store/dynamo';
import { loadHandlers } from './support/handlers';
import { useTestTable } from './support/testTable';

let table: Table;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  table = await useTestTable();
  handlers = await loadHandlers();
});

const admin = (method: string, path: string, body?: unknown, query: Record<string, string> = {}) => handlers.admin(method, path, body, { query });

async function newMember(openid: string) {
  await dynamoMemberStore(table).recordInteraction(openid, { kind: 'event', at: Date.now(), event: 'subscribe' });
}

async function template(id: string, validity: unknown, extra: Record<string, unknown> = {}) {
  const r = await admin('POST', '/admin/coupon-templates', { id, title: `title ${id}`, validity, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

test('templates: create, read, list, replace, delete; bad bodies are 400s naming the field', async () => {
  const created = await admin('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: 'free 红烧肉', validity: { type: 'endOfWeek' } });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.value, { type: 'item', item: '红烧肉' }, 'value defaults to a free item named by the title');
  assert.deepEqual(created.body.validity, { type: 'endOfWeek' });
  assert.equal((await admin('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: 'again', validity: { type: 'endOfWeek' } })).status, 409);
  await template('five-off', { type: 'days', days: 30 }, { value: { type: 'amount', fen: 500 }, description: '满50减5' });

  const got = await admin('GET', '/admin/coupon-templates/five-off');
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.value, { type: 'amount', fen: 500 });
  assert.equal(got.body.description, '满50减5');
  const list = await admin('GET', '/admin/coupon-templates');
  assert.deepEqual(
    list.body.templates.map((t: { id: string }) => t.id).filter((id: string) => ['five-off', 'free-hongshaorou'].includes(id)),
    ['five-off', 'free-hongshaorou'],
  );

  const put = await admin('PUT', '/admin/coupon-templates/five-off', {
    title: '九折',
    value: { type: 'percent', percent: 10 },
    validity: { type: 'fixed', from: '2026-12-01', to: '2026-12-31' },
  });
  assert.equal(put.status, 200);
  assert.equal((await admin('GET', '/admin/coupon-templates/five-off')).body.title, '九折');
  assert.equal((await admin('PUT', '/admin/coupon-templates/nope', { title: 'x', validity: { type: 'endOfWeek' } })).status, 404);
  const mismatch = await admin('PUT', '/admin/coupon-templates/five-off', { id: 'other', title: 'x', validity: { type: 'endOfWeek' } });
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.body.error, /^id:/);

  const bad = await admin('POST', '/admin/coupon-templates', {
    id: 'Bad Id',
    title: '',
    validity: { type: 'days', days: 0 },
    value: { type: 'amount', fen: -1 },
  });
  assert.equal(bad.status, 400);
  for (const field of ['id', 'title', 'validity.days', 'value.fen']) assert.match(bad.body.error, new RegExp(`(^|; )${field.replace('.', '\\.')}:`), field);
  const backwards = await admin('POST', '/admin/coupon-templates', {
    id: 'backwards',
    title: 'x',
    validity: { type: 'fixed', from: '2026-12-31', to: '2026-12-01' },
  });
  assert.equal(backwards.status, 400);
  assert.match(backwards.body.error, /validity\.to:/);
  const unknownKind = await admin('POST', '/admin/coupon-templates', { id: 'weekly', title: 'x', validity: { type: 'weekly' } });
  assert.equal(unknownKind.status, 400);
  assert.match(unknownKind.body.error, /validity/);

  assert.equal((await admin('DELETE', '/admin/coupon-templates/five-off')).status, 204);
  assert.equal((await admin('DELETE', '/admin/coupon-templates/five-off')).status, 404);
  assert.equal((await admin('GET', '/admin/coupon-templates/five-off')).status, 404);
});

test('issue: 201 with a code and the validity; same idempotency key gives the same coupon; 404s; both items written', async () => {
  await newMember('o_cpn_issue');
  await template('week-treat', { type: 'endOfWeek' });
  const before = Date.now();
  const r = await admin('POST', '/admin/members/o_cpn_issue/coupons', { templateId: 'week-treat', idempotencyKey: 'welcome:o_cpn_issue' });
  assert.equal(r.status, 201);
  const c = r.body;
  assert.match(c.code, COUPON_CODE);
  assert.equal(c.templateId, 'week-treat');
  assert.equal(c.title, 'title week-treat');
  assert.equal(c.openid, 'o_cpn_issue');
  assert.equal(c.status, 'issued');
  assert.ok(Date.parse(c.issuedAt) >= before - 1000);
  assert.equal(c.validFrom, c.issuedAt);
  assert.ok(c.validUntil >= c.issuedAt);
  assert.equal(localWallClock(Date.parse(c.validUntil), 'Asia/Shanghai').slice(11), '23:59:59.999');

  const again = await admin('POST', '/admin/members/o_cpn_issue/coupons', { templateId: 'week-treat', idempotencyKey: 'welcome:o_cpn_issue' });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, c);
  const other = await admin('POST', '/admin/members/o_cpn_issue/coupons', { templateId: 'free-hongshaorou', idempotencyKey: 'welcome:o_cpn_issue' });
  assert.equal(other.status, 409, 'a key reused for another template issues nothing');
  const second = await admin('POST', '/admin/members/o_cpn_issue/coupons', { templateId: 'week-treat' });
  assert.equal(second.status, 201);
  assert.notEqual(second.body.code, c.code);

  assert.equal((await admin('POST', '/admin/members/o_nobody/coupons', { templateId: 'week-treat' })).status, 404);
  const noTemplate = await admin('POST', '/admin/members/o_cpn_issue/coupons', { templateId: 'no-such' });
  assert.equal(noTemplate.status, 404);
  assert.match(noTemplate.body.error, /template/);
  const bad = await admin('POST', '/admin/members/o_cpn_issue/coupons', { idempotencyKey: 'has space' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /templateId/);
  assert.match(bad.body.error, /idempotencyKey/);

  const item = await table.doc.send(new GetCommand({ TableName: table.name, Key: { pk: `COUPON#${c.code}`, sk: 'COUPON' } }));
  assert.equal(item.Item?.openid, 'o_cpn_issue');
  const mine = await table.doc.send(new GetCommand({ TableName: table.name, Key: { pk: 'MEMBER#o_cpn_issue', sk: `COUPON#${c.issuedAt}#${c.code}` } }));
  assert.equal(mine.Item?.code, c.code);

  const list = await admin('GET', '/admin/members/o_cpn_issue/coupons');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.coupons.map((x: { code: string }) => x.code).sort(), [c.code, second.body.code].sort());
  assert.ok(list.body.coupons.every((x: { state: string }) => x.state === 'valid'));
  assert.equal((await admin('GET', '/admin/members/o_cpn_issue/coupons', undefined, { status: 'some' })).status, 400);
});

test('redeem exactly once: 200, then 409 with when; unknown 404; the member list agrees', async () => {
  await newMember('o_cpn_redeem');
  await template('month-five', { type: 'days', days: 30 }, { value: { type: 'amount', fen: 500 } });
  const { body: c } = await admin('POST', '/admin/members/o_cpn_redeem/coupons', { templateId: 'month-five' });
  const typed = c.code.toLowerCase().replace(/-/g, '');
  const first = await admin('POST', `/admin/coupons/${typed}/redeem`, { by: 'store-01' });
  assert.equal(first.status, 200);
  assert.equal(first.body.status, 'redeemed');
  assert.equal(first.body.redeemedBy, 'store-01');
  assert.ok(first.body.redeemedAt);
  const second = await admin('POST', `/admin/coupons/${c.code}/redeem`, {});
  assert.equal(second.status, 409);
  assert.match(second.body.error, /already redeemed at .* by store-01/);
  assert.equal(second.body.redeemedAt, first.body.redeemedAt);

  const all = await admin('GET', '/admin/members/o_cpn_redeem/coupons', undefined, { status: 'all' });
  assert.equal(all.body.coupons[0].status, 'redeemed');
  assert.equal(all.body.coupons[0].state, 'redeemed');
  assert.deepEqual((await admin('GET', '/admin/members/o_cpn_redeem/coupons')).body.coupons, []);

  assert.equal((await admin('POST', '/admin/coupons/ABCD-EFGH-JKLM/redeem')).status, 404);
  assert.equal((await admin('POST', '/admin/coupons/not-a-code/redeem')).status, 404);
});

test('20 concurrent redeems of one code: exactly one 200 and nineteen 409s', async () => {
  await newMember('o_cpn_race');
  await template('race', { type: 'days', days: 7 });
  const { body: c } = await admin('POST', '/admin/members/o_cpn_race/coupons', { templateId: 'race' });
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => admin('POST', `/admin/coupons/${c.code}/redeem`, { by: `till-${i}` })));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, ...Array(19).fill(409)]);
  const winner = results.find((r) => r.status === 200)!.body;
  for (const r of results.filter((x) => x.status === 409)) {
    assert.equal(r.body.reason, 'already-redeemed');
    assert.equal(r.body.redeemedBy, undefined);
    assert.equal(r.body.coupon.redeemedBy, winner.redeemedBy);
  }
  const items = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': 'MEMBER#o_cpn_race', ':c': 'COUPON#' },
      ConsistentRead: true,
    }),
  );
  assert.equal(items.Items?.[0]?.redeemedBy, winner.redeemedBy, 'the member item records the same redemption');
});

test('expired and not-yet-valid coupons are 409s and stay unredeemed', async () => {
  await newMember('o_cpn_expired');
  await template('last-year', { type: 'fixed', from: '2020-01-01', to: '2020-01-31' });
  await template('far-future', { type: 'fixed', from: '2099-01-01', to: '2099-01-31' });
  const { body: old } = await admin('POST', '/admin/members/o_cpn_expired/coupons', { templateId: 'last-year' });
  assert.equal(old.validUntil, '2020-01-31T15:59:59.999Z');
  const expired = await admin('POST', `/admin/coupons/${old.code}/redeem`, {});
  assert.equal(expired.status, 409);
  assert.equal(expired.body.reason, 'expired');
  assert.match(expired.body.error, /expired/);
  const { body: future } = await admin('POST', '/admin/members/o_cpn_expired/coupons', { templateId: 'far-future' });
  const early = await admin('POST', `/admin/coupons/${future.code}/redeem`, {});
  assert.equal(early.status, 409);
  assert.equal(early.body.reason, 'not-yet-valid');
  const valid = (await admin('GET', '/admin/members/o_cpn_expired/coupons')).body.coupons;
  assert.deepEqual(
    valid.map((c: { code: string; state: string }) => [c.code, c.state]),
    [[future.code, 'not-yet-valid']],
  );
  const all = (await admin('GET', '/admin/members/o_cpn_expired/coupons', undefined, { status: 'all' })).body.coupons;
  assert.ok(all.every((c: { status: string }) => c.status === 'issued'));
});

test('use cases: issueCoupon (for campaign prizes) and validCouponsOf with a moving clock', async () => {
  await newMember('o_cpn_uc');
  await template('sunday-test', { type: 'endOfWeek' });
  await template('two-days', { type: 'days', days: 2 });
  // Monday 00:10 in Shanghai is still Sunday 16:10 UTC: the coupon lasts the whole new week.
  const clock = fixedClock(Date.parse('2026-11-29T16:10:00Z'));
  const ports = dynamoCouponPorts(table, clock, 'Asia/Shanghai');
  const week = await issueCoupon(ports, 'o_cpn_uc', 'sunday-test', 'redpacket:draw-1');
  assert.equal(week.status, 'issued');
  assert.equal(week.status === 'issued' && week.coupon.validUntil, '2026-12-06T15:59:59.999Z');
  const dup = await issueCoupon(ports, 'o_cpn_uc', 'sunday-test', 'redpacket:draw-1');
  assert.equal(dup.status, 'duplicate');
  assert.equal(dup.status === 'duplicate' && week.status === 'issued' && dup.coupon.code, week.status === 'issued' && week.coupon.code);
  const two = await issueCoupon(ports, 'o_cpn_uc', 'two-days', 'redpacket:draw-2');
  assert.equal(two.status === 'issued' && two.coupon.validUntil, '2026-12-01T15:59:59.999Z');
  assert.equal((await issueCoupon(ports, 'o_nobody', 'two-days')).status, 'no-member');
  assert.equal((await issueCoupon(ports, 'o_cpn_uc', 'nope')).status, 'no-template');

  const now = clock.now();
  assert.deepEqual(
    (await validCouponsOf(ports, 'o_cpn_uc', now)).map((c) => c.templateId),
    ['two-days', 'sunday-test'],
    'soonest to expire first',
  );
  // Wednesday in Shanghai: the two-day coupon has expired, the week one is still good.
  clock.set(Date.parse('2026-12-02T02:00:00Z'));
  assert.equal(businessDay(clock.now(), 'Asia/Shanghai'), '2026-12-02');
  assert.deepEqual(
    (await validCouponsOf(ports, 'o_cpn_uc', clock.now())).map((c) => c.templateId),
    ['sunday-test'],
  );
  const code = week.status === 'issued' ? week.coupon.code : '';
  assert.equal((await redeemCoupon(ports, code, 'till')).status, 'redeemed');
  assert.deepEqual(await validCouponsOf(ports, 'o_cpn_uc', clock.now()), []);
  // Just past Sunday night: expired.
  const late = await issueCoupon({ ...ports, clock: fixedClock(Date.parse('2026-12-06T15:30:00Z')) }, 'o_cpn_uc', 'sunday-test');
  assert.equal(late.status === 'issued' && late.coupon.validUntil, '2026-12-06T15:59:59.999Z');
  clock.set(Date.parse('2026-12-06T16:00:00Z'));
  assert.equal((await redeemCoupon(ports, late.status === 'issued' ? late.coupon.code : '', 'till')).status, 'expired');
});

test('10 concurrent issues with one idempotency key make one coupon', async () => {
  await newMember('o_cpn_dupes');
  await template('dupes', { type: 'days', days: 3 });
  const results = await Promise.all(
    Array.from({ length: 10 }, () => admin('POST', '/admin/members/o_cpn_dupes/coupons', { templateId: 'dupes', idempotencyKey: 'prize-7' })),
  );
  assert.equal(results.filter((r) => r.status === 201).length, 1);
  assert.ok(results.every((r) => r.status === 201 || r.status === 200));
  assert.equal(new Set(results.map((r) => r.body.code)).size, 1);
  assert.equal((await admin('GET', '/admin/members/o_cpn_dupes/coupons', undefined, { status: 'all' })).body.coupons.length, 1);
});

test("a coupon whose member's copy is gone (erased member) still redeems once", async () => {
  await newMember('o_cpn_erased');
  await template('erased', { type: 'days', days: 3 });
  const { body: c } = await admin('POST', '/admin/members/o_cpn_erased/coupons', { templateId: 'erased' });
  await table.doc.send(new DeleteCommand({ TableName: table.name, Key: { pk: 'MEMBER#o_cpn_erased', sk: `COUPON#${c.issuedAt}#${c.code}` } }));
  await table.doc.send(
    new UpdateCommand({
      TableName: table.name,
      Key: { pk: `COUPON#${c.code}`, sk: 'COUPON' },
      UpdateExpression: 'SET openid = :e',
      ExpressionAttributeValues: { ':e': 'erased' },
    }),
  );
  assert.equal((await admin('POST', `/admin/coupons/${c.code}/redeem`, {})).status, 200);
  assert.equal((await admin('POST', `/admin/coupons/${c.code}/redeem`, {})).status, 409);
  const stub = await table.doc.send(
    new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'MEMBER#erased' } }),
  );
  assert.equal(stub.Items?.length, 0, 'no item is created for the erased member');
});
