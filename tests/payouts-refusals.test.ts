import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoPayoutStore } from '../lib/payouts/payoutStore';
import type { Table } from '../lib/store/dynamo';
import { processPayout, reconcilePayouts } from '../lib/payouts/processPayout';
import { HOUR, ordersOf, payoutCampaign, portsAt, reconcileAt } from './support/payoutOrders';
import { drained } from './support/localAws';
import { startPayStack, type PayStack } from './support/payStack';

// Verified refusals of WeChat Pay, produced by the sandbox through the real protocol (signed v3
// errors, v2 err_codes): the ones that can clear hold the order and the reconciliation pays it later
// under the same ref; final ones fail it with the reason; FATAL_ERROR is queried first.
let stack: PayStack;
let table: Table;

before(async () => {
  stack = await startPayStack();
  table = stack.table;
});
after(async () => {
  await stack?.close();
});

const campaign = (keyword: string, mode: 'transfer' | 'redpack' | 'wallet', fen: number) => payoutCampaign(stack.handlers.admin, keyword, mode, fen);
const onlyOrder = async (openid: string) => {
  const orders = await ordersOf(table, openid);
  assert.equal(orders.length, 1, JSON.stringify(orders));
  return orders[0]!;
};
const store = () => dynamoPayoutStore(table);
/** The reconciliation at `offsetMs` from now; the refs it reports still held afterwards. */
const heldAfterReconciling = async (offsetMs: number) => {
  const held: string[] = [];
  await reconcilePayouts(await portsAt(offsetMs), { onHeld: (p) => held.push(p.ref) });
  return held;
};
const billsUnder = async (ref: string) => (await stack.bills()).transferBills.filter((b) => b.outBillNo === ref);

test('NOT_ENOUGH holds the order; the reconciliation retries it with backoff, and once the merchant tops up it is paid under the same ref', async () => {
  const id = await campaign('余额红包', 'transfer', 300);
  await stack.post('/sandbox/pay/balance', { balanceFen: 100 });
  assert.match(await stack.grab('hold-a', '余额红包'), /抢到 3\.00 元/);
  const held = await onlyOrder('hold-a');
  assert.equal(held.state, 'held');
  assert.match(held.holdReason ?? '', /^NOT_ENOUGH: /);
  assert.deepEqual(await billsUnder(held.ref), [], 'a refusal created nothing at WeChat Pay');
  const listed = await stack.handlers.admin('GET', '/admin/payouts', undefined, { query: { state: 'held' } });
  assert.deepEqual(
    listed.body.payouts.map((p: { ref: string }) => p.ref),
    [held.ref],
  );

  // Not due yet: the reconciliation leaves it alone, and reports it still held (OldestHeldPayoutAgeSeconds).
  assert.ok((await heldAfterReconciling(0)).includes(held.ref));
  assert.equal((await store().get(held.ref))!.attempts, held.attempts);
  // Due, and the balance is still short: held again, its next attempt further away than the first.
  assert.ok((await heldAfterReconciling(HOUR)).includes(held.ref));
  const again = (await store().get(held.ref))!;
  assert.equal(again.state, 'held');
  assert.equal(again.attempts, held.attempts + 1);
  assert.ok(again.nextAttemptAt! - (Date.now() + HOUR) > held.nextAttemptAt! - Date.now(), 'the backoff grows');

  await stack.post('/sandbox/pay/balance', { addFen: 10_000 });
  assert.ok(!(await heldAfterReconciling(2 * HOUR)).includes(held.ref), 'sent: no longer held');
  assert.equal((await store().get(held.ref))!.state, 'awaiting-confirmation');
  assert.equal((await billsUnder(held.ref)).length, 1, 'one bill, under the order’s own ref');
  await stack.post(`/sandbox/pay/transfer-bills/${held.ref}/confirm`);
  assert.equal((await store().get(held.ref))!.state, 'paid');
  const report = (await stack.handlers.admin('GET', `/admin/campaigns/${id}/report`)).body;
  assert.deepEqual([report.rounds[0].paid, report.rounds[0].pending, report.rounds[0].failed], [1, 0, 0]);
});

test('a follower over the daily red-packet count (SENDNUM_LIMIT) is held, then sent under the same mch_billno once the limit clears', async () => {
  await campaign('次数红包', 'redpack', 150);
  await stack.post('/sandbox/pay/faults', { path: '/mmpaymkttransfers/sendredpack', kind: 'refuse', code: 'SENDNUM_LIMIT', times: 1 });
  await stack.grab('hold-b', '次数红包');
  const held = await onlyOrder('hold-b');
  assert.equal(held.state, 'held');
  assert.match(held.holdReason ?? '', /^SENDNUM_LIMIT/);
  await reconcileAt(HOUR);
  assert.equal((await store().get(held.ref))!.state, 'sent');
  assert.deepEqual(
    (await stack.bills()).redpacks.filter((r) => r.mchBillno === held.ref).map((r) => r.status),
    ['SENT'],
  );
});

test('a final refusal fails the order with its reason; a failed withdrawal goes back to the wallet', async () => {
  await campaign('拒绝红包', 'transfer', 200);
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'refuse', code: 'NO_AUTH', times: 1 });
  await stack.grab('final-a', '拒绝红包');
  const failed = await onlyOrder('final-a');
  assert.equal(failed.state, 'failed');
  assert.match(failed.failReason ?? '', /^NO_AUTH: /);
  const listed = await stack.handlers.admin('GET', '/admin/payouts', undefined, { query: { state: 'failed' } });
  assert.ok(listed.body.payouts.some((p: { ref: string }) => p.ref === failed.ref));
  // Operators see it under failed only: it left the open index.
  assert.ok(!(await store().listOpen(100)).payouts.some((p) => p.ref === failed.ref));

  await campaign('拒绝钱包', 'wallet', 200);
  await stack.grab('final-b', '拒绝钱包');
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'refuse', code: 'PARAM_ERROR', times: 1 });
  const w = await stack.handlers.admin('POST', '/admin/members/final-b/wallet/withdraw', { idempotencyKey: 'refused-1' });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  await drained(); // the withdrawal's order, off the payout queue
  const withdrawal = (await store().get(w.body.ref))!;
  assert.equal(withdrawal.state, 'failed');
  assert.match(withdrawal.failReason ?? '', /^PARAM_ERROR: /);
  const wallet = (await stack.handlers.admin('GET', '/admin/members/final-b/wallet')).body;
  assert.equal(wallet.balanceFen, 200);
  assert.deepEqual(wallet.entries.map((e: { reason: string }) => e.reason).sort(), ['redpacket', 'withdrawal', 'withdrawal failed']);
});

test('FATAL_ERROR (the mch_billno carries a packet sent with other content) is queried: the packet that exists is the payout', async () => {
  await campaign('改名红包', 'redpack', 120);
  // The first send is processed but its answer lost; a deploy then changes the send name, so the
  // retry under the same mch_billno differs from the original and WeChat Pay answers FATAL_ERROR.
  await stack.post('/sandbox/pay/faults', { path: '/mmpaymkttransfers/sendredpack', kind: 'drop-after-commit', times: 1 });
  await stack.grab('fatal-a', '改名红包');
  const lost = await onlyOrder('fatal-a');
  assert.equal(lost.state, 'pending');
  const seq = (await (await fetch(`${stack.sandbox.url}/sandbox/pay/requests`)).json()) as { requests: { seq: number }[] };
  const after = seq.requests.at(-1)!.seq;
  assert.equal(await processPayout(await portsAt(HOUR, { sendName: '新店名' }), lost.ref), 'sent');
  const { requests } = (await (await fetch(`${stack.sandbox.url}/sandbox/pay/requests?after=${after}`)).json()) as {
    requests: { path: string; code?: string }[];
  };
  assert.deepEqual(
    requests.map((r) => `${r.path} ${r.code ?? 'ok'}`),
    ['/mmpaymkttransfers/sendredpack FATAL_ERROR', '/mmpaymkttransfers/gethbinfo ok'],
  );
  assert.equal((await store().get(lost.ref))!.state, 'sent', 'not failed: the packet under this mch_billno is in the follower’s chat');
  assert.equal((await stack.bills()).redpacks.filter((r) => r.mchBillno === lost.ref).length, 1);
});

test('INVALID_REQUEST with nothing under the ref (a business rule such as the daily quota) holds the order after a query', async () => {
  await campaign('额度红包', 'transfer', 100);
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'refuse', code: 'INVALID_REQUEST', times: 1 });
  await stack.grab('quota-a', '额度红包');
  const held = await onlyOrder('quota-a');
  assert.equal(held.state, 'held');
  assert.match(held.holdReason ?? '', /^INVALID_REQUEST/);
  await reconcileAt(HOUR);
  assert.equal((await store().get(held.ref))!.state, 'awaiting-confirmation');
});

test('a rate limit (429 FREQUENCY_LIMITED) holds the order and the reconciliation sends it later, same ref', async () => {
  await campaign('限频红包', 'transfer', 100);
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'FREQUENCY_LIMITED', times: 1 });
  await stack.grab('rate-a', '限频红包');
  const held = await onlyOrder('rate-a');
  assert.equal(held.state, 'held');
  assert.match(held.holdReason ?? '', /^FREQUENCY_LIMITED/);
  assert.ok(held.nextAttemptAt! > Date.now(), 'not before its backoff');
  await reconcileAt(HOUR);
  assert.equal((await store().get(held.ref))!.state, 'awaiting-confirmation');
  assert.equal((await billsUnder(held.ref)).length, 1);
});
