import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoPayoutStore, type PayoutStore } from '../lib/payouts/payoutStore';
import { processPayout } from '../lib/payouts/processPayout';
import type { Table } from '../lib/store/dynamo';
import { HOUR, ordersOf, payoutCampaign, portsAt } from './support/payoutOrders';
import { drained } from './support/localAws';
import { startPayStack, type PayStack } from './support/payStack';

// What keeps money right when several parties touch one order: two workers at once, an authentic
// callback that does not match the order, and a withdrawal WeChat Pay would refuse. Real DynamoDB
// Local, the real pay-notify handler, the sandbox's WeChat Pay.
let stack: PayStack;
let table: Table;

before(async () => {
  stack = await startPayStack();
  table = stack.table;
});
after(async () => {
  await stack?.close();
});

const campaign = (keyword: string, mode: 'transfer' | 'wallet', fen: number) => payoutCampaign(stack.handlers.admin, keyword, mode, fen);
const store = () => dynamoPayoutStore(table);
const requestsAfter = async (after: number) =>
  ((await (await fetch(`${stack.sandbox.url}/sandbox/pay/requests?after=${after}`)).json()) as { requests: { seq: number; method: string; path: string }[] })
    .requests;
const lastSeq = async () => (await requestsAfter(0)).at(-1)?.seq ?? 0;
const confirmLinks = async (openid: string, ref: string) => {
  const inbox = (await (await fetch(`${stack.sandbox.url}/sandbox/followers/${openid}/inbox`)).json()) as { entries: { channel: string; content?: string }[] };
  return inbox.entries.filter((e) => e.channel === 'custom' && e.content?.includes(`confirm?bill=${ref}`)).length;
};

/** The store with every read held until `n` reads have happened: both workers have read the order before either writes. */
function readTogether(payouts: PayoutStore, n: number): PayoutStore {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  return {
    ...payouts,
    async get(ref) {
      const p = await payouts.get(ref);
      if (++arrived >= n) release();
      await all;
      return p;
    },
  };
}

test('two workers step the same order at once: one sends it and the follower gets one confirm link; the stale one calls nothing and writes nothing', async () => {
  await campaign('并发红包', 'transfer', 100);
  // The first send is processed but its answer lost: the order is pending, its bill exists.
  await stack.post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'drop-after-commit', times: 1 });
  await stack.grab('stale-a', '并发红包');
  const [order] = await ordersOf(table, 'stale-a');
  assert.equal(order?.state, 'pending');
  assert.equal(await confirmLinks('stale-a', order.ref), 0);

  const ports = await portsAt(HOUR);
  const together = { ...ports, payouts: readTogether(ports.payouts, 2) };
  const seq = await lastSeq();
  const steps = await Promise.all([processPayout(together, order.ref), processPayout(together, order.ref)]);
  assert.equal(await confirmLinks('stale-a', order.ref), 1, 'one confirm link, from the worker whose step landed');
  assert.deepEqual(
    (await requestsAfter(seq)).map((r) => `${r.method} ${r.path}`),
    ['POST /v3/fund-app/mch-transfer/transfer-bills'],
    'the stale worker never called WeChat Pay',
  );
  assert.deepEqual(steps.sort(), ['awaiting-confirmation', 'stale']);
  const after = (await store().get(order.ref))!;
  assert.equal(after.state, 'awaiting-confirmation');
  assert.equal(after.attempts, order.attempts + 1, 'one step was recorded');
  assert.equal(after.leaseUntil, undefined, 'the send lease ended with its outcome');
});

test('an authentic callback that does not match the order (amount, follower, merchant) is refused, alarmed at error level, and changes nothing', async () => {
  await campaign('回调红包', 'transfer', 100);
  await stack.grab('cb-a', '回调红包');
  const [order] = await ordersOf(table, 'cb-a');
  assert.equal(order?.state, 'awaiting-confirmation');
  // The follower confirms; WeChat Pay's callback comes later.
  const confirmed = await stack.post(`/sandbox/pay/transfer-bills/${order.ref}/confirm`, { notify: false });
  assert.equal(confirmed.notification, undefined);
  const before = await store().get(order.ref);

  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    for (const resource of [{ transfer_amount: 10_000 }, { openid: 'oSomebodyElse' }, { mch_id: '1900000000' }]) {
      const sent = (await stack.post(`/sandbox/pay/transfer-bills/${order.ref}/notify`, { resource })) as { notification: { status: number } };
      assert.equal(sent.notification.status, 400, JSON.stringify(resource));
      assert.deepEqual(await store().get(order.ref), before, 'nothing changed');
    }
  } finally {
    process.stderr.write = write;
  }
  const alarms = logged
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"pay-callback-mismatch"'))
    .map((l) => JSON.parse(l) as { level: string; ref: string; fields: string[] });
  assert.deepEqual(
    alarms.map((a) => [a.level, a.ref, a.fields.join()]),
    [
      ['ERROR', order.ref, 'amount'],
      ['ERROR', order.ref, 'openid'],
      ['ERROR', order.ref, 'mchid'],
    ],
  );

  // WeChat Pay's genuine callback still moves it.
  const genuine = (await stack.post(`/sandbox/pay/transfer-bills/${order.ref}/notify`)) as { notification: { status: number } };
  assert.equal(genuine.notification.status, 200);
  assert.equal((await store().get(order.ref))!.state, 'paid');
});

test('a withdrawal stays within what a transfer bill takes without a real name (0.10 to 1,999.99 yuan), with a clear 400 otherwise', async () => {
  await campaign('大额钱包', 'wallet', 300_000);
  await stack.grab('rich-a', '大额钱包');
  const admin = stack.handlers.admin;
  assert.equal((await admin('GET', '/admin/members/rich-a/wallet')).body.balanceFen, 300_000);

  const whole = await admin('POST', '/admin/members/rich-a/wallet/withdraw', { idempotencyKey: 'all' });
  assert.equal(whole.status, 400, JSON.stringify(whole.body));
  assert.match(whole.body.error, /real name/);
  assert.equal(whole.body.maxFen, 199_999);
  for (const amountFen of [200_000, 9]) {
    const r = await admin('POST', '/admin/members/rich-a/wallet/withdraw', { idempotencyKey: `a${amountFen}`, amountFen });
    assert.equal(r.status, 400, String(amountFen));
    assert.deepEqual(
      r.body.issues.map((i: { path: string }) => i.path),
      ['amountFen'],
    );
  }
  for (const withdrawMinFen of [5, 200_000]) assert.equal((await admin('PUT', '/admin/wallet-policy', { withdrawMinFen })).status, 400, String(withdrawMinFen));
  assert.deepEqual(await ordersOf(table, 'rich-a'), [], 'nothing refused became an order');
  assert.equal((await admin('GET', '/admin/members/rich-a/wallet')).body.balanceFen, 300_000);

  const most = await admin('POST', '/admin/members/rich-a/wallet/withdraw', { idempotencyKey: 'most', amountFen: 199_999 });
  assert.equal(most.status, 201, JSON.stringify(most.body));
  await drained(); // the withdrawal's order, off the payout queue
  assert.equal((await store().get(most.body.ref))!.state, 'awaiting-confirmation', 'WeChat Pay took it without a name');
  assert.equal((await admin('GET', '/admin/members/rich-a/wallet')).body.balanceFen, 100_001);
});
