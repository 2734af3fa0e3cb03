import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoPayoutStore } from '../lib/payouts/payoutStore';
import type { Table } from '../lib/store/dynamo';
import type { Sandbox } from '../sandbox/server';
import { scheduleCampaign } from './support/campaigns';
import { createTestQueue, lambdaPoller, waitFor, waitUntilDrained, type Poller, type TestQueue } from './support/localSqs';
import { startPayStack, type PayStack } from './support/payStack';

// Payouts as deployed: the grab (or a withdrawal) stores the order and sends it with SendMessageBatch
// to a real SQS queue (local-aws-sqs), and the real payout worker (handlers/payout, middy and all) runs
// from it the way Lambda's event source mapping runs it, against the sandbox's WeChat Pay.
let stack: PayStack;
let sandbox: Sandbox;
let handlers: PayStack['handlers'];
let table: Table;
let queue: TestQueue;
let worker: Poller;
let post: PayStack['post'];
let bills: PayStack['bills'];
let grab: PayStack['grab'];

before(async () => {
  // A short visibility timeout, so a reported failure comes back within the test (120 s when deployed).
  queue = await createTestQueue('payouts', { visibilityTimeoutSeconds: 2 });
  stack = await startPayStack({ PAYOUT_QUEUE_URL: queue.url });
  ({ sandbox, handlers, table, post, bills, grab } = stack);
  const { handler } = await import('../handlers/payout');
  worker = lambdaPoller(queue.url, handler, { batchSize: 10 });
});
after(async () => {
  await worker?.stop();
  await stack?.close();
});

/** The refs of the open orders of one follower, as stored by the grab before the hand-off. */
async function ordersOf(openid: string) {
  return (await dynamoPayoutStore(table).listOpen(100)).payouts.filter((p) => p.openid === openid);
}

/** Waits until the worker was handed `ref` and the queue has nothing left, visible or in flight. */
async function handled(ref: string) {
  await waitFor(
    () => (worker.delivered.some((r) => r.body === JSON.stringify({ ref })) ? true : `delivered: ${worker.delivered.map((r) => r.body).join(', ')}`),
    { what: `the worker to get ${ref}` },
  );
  await waitUntilDrained(queue.url);
}

test('transfer mode through the queue: the grab answers at once, the worker creates the bill and sends the confirm link; the signed callback marks it paid', async () => {
  await scheduleCampaign(handlers.admin, {
    trigger: { keywords: ['队列红包'] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'transfer' },
    bestLuckPrize: undefined,
  });
  assert.match(await grab('queue-a', '队列红包'), /抢到 1\.00 元.*确认收款/);
  const [order] = await ordersOf('queue-a');
  assert.ok(order, 'the order was stored with the grab');
  await handled(order.ref);

  const record = worker.delivered.find((r) => r.body === JSON.stringify({ ref: order.ref }))!;
  assert.equal(record.attributes.ApproximateReceiveCount, '1');
  assert.equal(record.eventSourceARN, queue.arn);
  const bill = (await bills()).transferBills.find((b) => b.outBillNo === order.ref)!;
  assert.equal(bill.state, 'WAIT_USER_CONFIRM');
  assert.equal(bill.amountFen, 100);
  assert.equal((await dynamoPayoutStore(table).get(order.ref))!.state, 'awaiting-confirmation');
  const inbox = (await (await fetch(`${sandbox.url}/sandbox/followers/queue-a/inbox`)).json()) as { entries: { channel: string; content?: string }[] };
  assert.ok(
    inbox.entries.some((e) => e.channel === 'custom' && e.content?.includes(`https://example.com/confirm?bill=${order.ref}`)),
    'the follower got the confirm link',
  );

  await post(`/sandbox/pay/transfer-bills/${order.ref}/confirm`);
  assert.equal((await dynamoPayoutStore(table).get(order.ref))!.state, 'paid');
});

test('a lost answer: the worker reports the order as a batch item failure, SQS hands it back after the visibility timeout, the retry keeps the out_bill_no', async () => {
  await scheduleCampaign(handlers.admin, {
    trigger: { keywords: ['重投红包'] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'transfer' },
    bestLuckPrize: undefined,
  });
  await post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'drop-after-commit', times: 1 });
  await grab('queue-b', '重投红包');
  const [order] = await ordersOf('queue-b');
  assert.ok(order);
  await handled(order.ref);

  const deliveries = worker.delivered.filter((r) => r.body === JSON.stringify({ ref: order.ref }));
  assert.deepEqual(
    deliveries.map((r) => r.attributes.ApproximateReceiveCount),
    ['1', '2'],
    'delivered twice: the first answer was lost, the second delivery found the bill',
  );
  assert.equal(deliveries[0]!.messageId, deliveries[1]!.messageId);
  assert.equal((await bills()).transferBills.filter((b) => b.outBillNo === order.ref).length, 1, 'one bill: the retry reused the number');
  const after = (await dynamoPayoutStore(table).get(order.ref))!;
  assert.equal(after.state, 'awaiting-confirmation');
  assert.equal(after.attempts, 2);
});

test('a withdrawal from the admin API goes through the same queue to the worker', async () => {
  await scheduleCampaign(handlers.admin, {
    trigger: { keywords: ['提现红包'] },
    round: { packets: 1, totalFen: 200, split: 'equal', minFen: 200, maxFen: 200 },
    payout: { mode: 'wallet' },
    bestLuckPrize: undefined,
  });
  await grab('queue-c', '提现红包');
  const w = await handlers.admin('POST', '/admin/members/queue-c/wallet/withdraw', { idempotencyKey: 'q1' });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const ref = w.body.ref as string;
  await handled(ref);
  assert.equal((await bills()).transferBills.find((b) => b.outBillNo === ref)?.state, 'WAIT_USER_CONFIRM');
  assert.equal((await dynamoPayoutStore(table).get(ref))!.state, 'awaiting-confirmation');
  assert.deepEqual(worker.errors, []);
});
