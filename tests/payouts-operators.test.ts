import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoPayoutStore } from '../lib/payouts/payoutStore';
import type { Table } from '../lib/store/dynamo';
import { HOUR, ordersOf, payoutCampaign, reconcileAt } from './support/payoutOrders';
import { drained } from './support/localAws';
import { startPayStack, type PayStack } from './support/payStack';

// The operators' payout routes through the real admin handler: list held / failed / cancelled orders
// a page at a time, retry (same ref now, or a new linked order once the old one is verifiably dead at
// WeChat Pay), cancel (final; a withdrawal's money goes back to the wallet once).
let stack: PayStack;
let table: Table;
let admin: PayStack['handlers']['admin'];

before(async () => {
  stack = await startPayStack();
  ({ table } = stack);
  admin = stack.handlers.admin;
});
after(async () => {
  await stack?.close();
});

const campaign = (keyword: string, mode: 'transfer' | 'wallet', packets: number, fen: number) => payoutCampaign(admin, keyword, mode, fen, packets);
const store = () => dynamoPayoutStore(table);
const list = (query: Record<string, string>) => admin('GET', '/admin/payouts', undefined, { query });
const refOf = async (openid: string) => (await ordersOf(table, openid))[0]!.ref;
const billStates = async (ref: string) => (await stack.bills()).transferBills.filter((b) => b.outBillNo === ref).map((b) => b.state);

test('GET /admin/payouts lists one state a page at a time; an unknown state, paid, or a foreign cursor is a 400', async () => {
  await campaign('列表红包', 'transfer', 3, 100);
  await stack.post('/sandbox/pay/balance', { balanceFen: 0 });
  for (const f of ['list-a', 'list-b', 'list-c']) await stack.grab(f, '列表红包');
  const held = (await Promise.all(['list-a', 'list-b', 'list-c'].map(refOf))).sort();

  const first = await list({ state: 'held', limit: '2' });
  assert.equal(first.status, 200);
  assert.equal(first.body.payouts.length, 2);
  assert.equal(typeof first.body.cursor, 'string');
  const second = await list({ state: 'held', limit: '2', cursor: first.body.cursor });
  assert.equal(second.body.cursor, null);
  assert.deepEqual([...first.body.payouts, ...second.body.payouts].map((p: { ref: string }) => p.ref).sort(), held);
  const shown = first.body.payouts[0];
  assert.equal(shown.state, 'held');
  assert.match(shown.holdReason, /^NOT_ENOUGH/);
  assert.match(shown.nextAttemptAt, /^\d{4}-\d\d-\d\dT/);
  assert.equal(shown.sendInFlight, false);
  assert.equal((await list({})).body.payouts.length, 3, 'no state: every open order');

  const bad: Record<string, string>[] = [
    { state: 'paid' },
    { state: 'bogus' },
    { state: 'held', cursor: 'not-a-cursor' },
    { state: 'failed', cursor: first.body.cursor },
    { limit: '0' },
  ];
  for (const query of bad) {
    const r = await list(query);
    assert.equal(r.status, 400, JSON.stringify(query));
    assert.equal(typeof r.body.error, 'string');
  }
  assert.equal((await admin('POST', '/admin/payouts/not-a-ref!/retry')).status, 400);
  assert.equal((await admin('POST', '/admin/payouts/NOSUCHREF/cancel')).status, 404);
});

test('retry sends a held order again now, under its own ref; cancel ends a held share for good and the report still shows it', async () => {
  const id = await campaign('操作红包', 'transfer', 2, 100);
  await stack.post('/sandbox/pay/balance', { balanceFen: 0 });
  await stack.grab('op-a', '操作红包');
  await stack.grab('op-b', '操作红包');
  const [a, b] = [await refOf('op-a'), await refOf('op-b')];
  await stack.post('/sandbox/pay/balance', { addFen: 1000 });

  const retried = await admin('POST', `/admin/payouts/${a}/retry`);
  assert.equal(retried.status, 200, JSON.stringify(retried.body));
  assert.equal(retried.body.action, 'requeued');
  assert.equal(retried.body.payout.ref, a);
  // Requeued: the payout worker sends it off its queue (the answer may show it before or after).
  await drained();
  assert.equal((await store().get(a))!.state, 'awaiting-confirmation', 'the worker sent it at once');
  assert.deepEqual(await billStates(a), ['WAIT_USER_CONFIRM']);
  assert.equal((await admin('POST', `/admin/payouts/${a}/retry`)).status, 409, 'WeChat Pay has it now');
  assert.equal((await admin('POST', `/admin/payouts/${a}/cancel`)).status, 409, 'too late to cancel');

  // A send in flight cannot be cancelled under it.
  const inFlight = (await store().get(b))!;
  assert.ok(await store().claimSend(inFlight, Date.now(), 1_000));
  const refused = await admin('POST', `/admin/payouts/${b}/cancel`);
  assert.equal(refused.status, 409);
  assert.match(refused.body.error, /in flight/);
  assert.equal(refused.body.payout.sendInFlight, true);
  assert.ok(await store().update(b, {}, Date.now(), { state: 'held', attempts: inFlight.attempts }), 'the send’s outcome ends its lease');

  const cancelled = await admin('POST', `/admin/payouts/${b}/cancel`, { reason: '活动规则变更' });
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.deepEqual(
    [cancelled.body.action, cancelled.body.payout.state, cancelled.body.payout.cancelReason, cancelled.body.refundedToWallet],
    ['cancelled', 'cancelled', '活动规则变更', false],
  );
  assert.equal((await admin('POST', `/admin/payouts/${b}/cancel`)).body.action, 'already-cancelled');
  assert.equal((await admin('POST', `/admin/payouts/${b}/retry`)).status, 409, 'cancelled is final');
  assert.deepEqual(
    (await list({ state: 'cancelled' })).body.payouts.map((p: { ref: string }) => p.ref),
    [b],
  );
  assert.ok(!(await list({})).body.payouts.some((p: { ref: string }) => p.ref === b), 'it left the open orders');
  await reconcileAt(HOUR);
  assert.deepEqual(await billStates(b), [], 'the reconciliation never sends a cancelled order');

  const round = (await admin('GET', `/admin/campaigns/${id}/report`)).body.rounds[0];
  assert.deepEqual([round.pending, round.cancelled, round.paid, round.failed], [1, 1, 0, 0]);
  assert.equal(round.winners.find((w: { openid: string }) => w.openid === 'op-b').payout, 'cancelled');
});

test('a held withdrawal cancelled goes back to the member’s wallet, once; a failed withdrawal is never re-sent', async () => {
  await campaign('操作钱包', 'wallet', 1, 300);
  await stack.grab('op-w', '操作钱包');
  await stack.post('/sandbox/pay/balance', { balanceFen: 0 });
  const w = await admin('POST', '/admin/members/op-w/wallet/withdraw', { idempotencyKey: 'w-held' });
  assert.equal(w.status, 201);
  await drained();
  assert.equal((await store().get(w.body.ref))!.state, 'held');
  assert.equal((await admin('GET', '/admin/members/op-w/wallet')).body.balanceFen, 0);

  const cancelled = await admin('POST', `/admin/payouts/${w.body.ref}/cancel`);
  assert.equal(cancelled.body.refundedToWallet, true);
  assert.equal((await admin('POST', `/admin/payouts/${w.body.ref}/cancel`)).body.action, 'already-cancelled');
  const wallet = (await admin('GET', '/admin/members/op-w/wallet')).body;
  assert.equal(wallet.balanceFen, 300);
  assert.equal(wallet.entries.filter((e: { reason: string }) => e.reason === 'withdrawal cancelled').length, 1);

  await stack.post('/sandbox/pay/balance', { addFen: 1000 });
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'refuse', code: 'PARAM_ERROR', times: 1 });
  const failing = await admin('POST', '/admin/members/op-w/wallet/withdraw', { idempotencyKey: 'w-failed' });
  await drained();
  assert.equal((await store().get(failing.body.ref))!.state, 'failed');
  const retry = await admin('POST', `/admin/payouts/${failing.body.ref}/retry`);
  assert.equal(retry.status, 409);
  assert.equal(retry.body.action, 'refunded-to-wallet');
  assert.equal((await admin('GET', '/admin/members/op-w/wallet')).body.balanceFen, 300, 'refunded when it failed, not again');
});

test('retry of a failed order makes a new linked order, only once WeChat Pay verifiably holds nothing that can still pay under the old ref', async () => {
  const id = await campaign('重发红包', 'transfer', 1, 100);
  await stack.grab('op-f', '重发红包');
  const old = await refOf('op-f');
  await stack.post(`/sandbox/pay/transfer-bills/${old}/reject`);
  assert.equal((await store().get(old))!.state, 'failed');

  // WeChat Pay cannot be asked: nothing changes.
  await stack.post('/sandbox/pay/faults', { path: `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${old}`, kind: 'SYSTEM_ERROR', times: 1 });
  const unverified = await admin('POST', `/admin/payouts/${old}/retry`);
  assert.equal(unverified.status, 503);
  assert.equal((await store().get(old))!.retriedAs, undefined);

  const retried = await admin('POST', `/admin/payouts/${old}/retry`);
  assert.equal(retried.status, 201, JSON.stringify(retried.body));
  const fresh = retried.body.payout;
  assert.equal(retried.body.action, 'reordered');
  assert.notEqual(fresh.ref, old);
  assert.match(fresh.ref, /^[A-Za-z0-9]{32}$/);
  assert.deepEqual([fresh.retryOf, retried.body.previous.retriedAs, retried.body.previous.state], [old, fresh.ref, 'failed']);
  await drained();
  assert.equal((await store().get(fresh.ref))!.state, 'awaiting-confirmation', 'the worker sent the new order');
  assert.deepEqual([fresh.openid, fresh.amountFen, fresh.campaignId], ['op-f', 100, id]);

  const again = await admin('POST', `/admin/payouts/${old}/retry`);
  assert.deepEqual([again.status, again.body.action, again.body.payout.ref], [200, 'already-reordered', fresh.ref]);
  assert.deepEqual(await billStates(fresh.ref), ['WAIT_USER_CONFIRM'], 'one new bill');
  assert.deepEqual(await billStates(old), ['CANCELLED']);

  await stack.post(`/sandbox/pay/transfer-bills/${fresh.ref}/confirm`);
  const round = (await admin('GET', `/admin/campaigns/${id}/report`)).body.rounds[0];
  assert.deepEqual([round.paid, round.failed], [1, 0], 'the share is paid by its retry');
});

test('a pending order whose lost answer did create the bill cannot be cancelled', async () => {
  await campaign('丢失红包', 'transfer', 1, 100);
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'drop-after-commit', times: 1 });
  await stack.grab('op-p', '丢失红包');
  const ref = await refOf('op-p');
  assert.equal((await store().get(ref))!.state, 'pending');
  const r = await admin('POST', `/admin/payouts/${ref}/cancel`);
  assert.equal(r.status, 409);
  assert.equal(r.body.wechatPayState, 'WAIT_USER_CONFIRM');
  assert.equal((await store().get(ref))!.state, 'pending');
});
