import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { payoutPorts } from '../lib/app/payouts';
import { containerApp } from '../lib/app/containerApp';
import { dynamoPayoutStore } from '../lib/payouts/payoutStore';
import { reconcilePayouts } from '../lib/payouts/processPayout';
import type { Table } from '../lib/store/dynamo';
import type { Sandbox } from '../sandbox/server';
import { scheduleCampaign } from './support/campaigns';
import { drained } from './support/localAws';
import { startPayStack, type PayStack } from './support/payStack';

// Payouts against the sandbox's WeChat Pay through the real client, the real pay-notify handler and
// DynamoDB Local, with faults injected: retries lose nothing and pay nothing twice.
let stack: PayStack;
let sandbox: Sandbox;
let handlers: PayStack['handlers'];
let table: Table;
let post: PayStack['post'];
let bills: PayStack['bills'];
let grab: PayStack['grab'];

before(async () => {
  stack = await startPayStack();
  ({ sandbox, handlers, table, post, bills, grab } = stack);
});
after(async () => {
  await stack?.close();
});

const liveCampaign = (over: Record<string, unknown>) => scheduleCampaign(handlers.admin, over);

test('transfer mode: the bill waits for the follower, who is sent the confirm link; the signed callback marks it paid', async () => {
  const id = await liveCampaign({
    trigger: { keywords: ['转账红包'] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'transfer' },
    bestLuckPrize: undefined,
  });
  assert.match(await grab('pay-a', '转账红包'), /抢到 1\.00 元.*确认收款/);
  const bill = (await bills()).transferBills.find((b) => b.state === 'WAIT_USER_CONFIRM')!;
  assert.equal(bill.amountFen, 100);
  const order = (await dynamoPayoutStore(table).get(bill.outBillNo))!;
  assert.equal(order.state, 'awaiting-confirmation');
  const inbox = (await (await fetch(`${sandbox.url}/sandbox/followers/pay-a/inbox`)).json()) as { entries: { channel: string; content?: string }[] };
  assert.ok(
    inbox.entries.some((e) => e.channel === 'custom' && e.content?.includes(`https://example.com/confirm?bill=${bill.outBillNo}`)),
    'the follower got the confirm link',
  );

  await post(`/sandbox/pay/transfer-bills/${bill.outBillNo}/confirm`);
  // The sandbox posts the signed, encrypted callback to our handler before it answers the confirm.
  assert.equal((await dynamoPayoutStore(table).get(bill.outBillNo))!.state, 'paid');
  const report = (await handlers.admin('GET', `/admin/campaigns/${id}/report`)).body;
  assert.deepEqual([report.rounds[0].paid, report.rounds[0].pending, report.rounds[0].failed], [1, 0, 0]);
});

test('a lost answer (processed, then the connection dropped) and SYSTEM_ERROR: retries keep the out_bill_no, one bill each', async () => {
  await liveCampaign({
    trigger: { keywords: ['故障红包'] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'transfer' },
    bestLuckPrize: undefined,
  });
  await post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'drop-after-commit', times: 1 });
  await grab('fault-a', '故障红包');
  await post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'SYSTEM_ERROR', times: 1 });
  await grab('fault-b', '故障红包');

  const store = dynamoPayoutStore(table);
  const open = (await store.listOpen(100)).payouts.filter((p) => p.campaignName === '每日红烧肉红包' && ['fault-a', 'fault-b'].includes(p.openid ?? ''));
  assert.deepEqual(open.map((p) => p.state).sort(), ['pending', 'pending'], 'both answers were untrustworthy: the orders stay pending');
  assert.equal((await bills()).transferBills.filter((b) => open.some((p) => p.ref === b.outBillNo)).length, 1, 'the dropped call did create its bill');

  const rt = await containerApp();
  const ports = (await payoutPorts(rt))!;
  const counts = await reconcilePayouts({ ...ports, clock: { now: () => Date.now() + 3_600_000 } });
  assert.equal(counts['awaiting-confirmation'], 2, JSON.stringify(counts));
  const after = (await bills()).transferBills.filter((b) => open.some((p) => p.ref === b.outBillNo));
  assert.equal(after.length, 2, 'one bill per order: the retry reused the number, it did not create a second bill');
  assert.deepEqual(after.map((b) => b.outBillNo).sort(), open.map((p) => p.ref).sort());
});

test('a tampered callback is refused with 401 and changes nothing; a rejected transfer fails and a withdrawal is refunded', async () => {
  // Withdraw: 200 fen credited in wallet mode, then a withdrawal turns it into a transfer order.
  await liveCampaign({
    trigger: { keywords: ['钱包红包'] },
    round: { packets: 1, totalFen: 200, split: 'equal', minFen: 200, maxFen: 200 },
    payout: { mode: 'wallet' },
    bestLuckPrize: undefined,
  });
  await grab('wallet-a', '钱包红包');
  assert.equal((await handlers.admin('GET', '/admin/members/wallet-a/wallet')).body.balanceFen, 200);
  const below = await handlers.admin('POST', '/admin/members/wallet-a/wallet/withdraw', { idempotencyKey: 'w0', amountFen: 50 });
  assert.equal(below.status, 409);
  assert.match(below.body.error, /at least 100 fen/);
  const w = await handlers.admin('POST', '/admin/members/wallet-a/wallet/withdraw', { idempotencyKey: 'w1' });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  assert.equal(
    (await handlers.admin('POST', '/admin/members/wallet-a/wallet/withdraw', { idempotencyKey: 'w1' })).status,
    200,
    'the same request again: the same withdrawal',
  );
  assert.equal((await handlers.admin('GET', '/admin/members/wallet-a/wallet')).body.balanceFen, 0);
  const ref = w.body.ref as string;
  // The withdrawal's order goes through the payout queue to the worker.
  await drained();
  assert.equal((await dynamoPayoutStore(table).get(ref))!.state, 'awaiting-confirmation');

  const tampered = await fetch(`${stack.notifyUrl}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'wechatpay-serial': 'PUB_KEY_ID_x',
      'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
      'wechatpay-nonce': 'n',
      'wechatpay-signature': 'AAAA',
    },
    body: JSON.stringify({
      id: 'x',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'AAAA', nonce: 'n', associated_data: 'mch_payment' },
    }),
  });
  assert.equal(tampered.status, 401);
  assert.equal(((await tampered.json()) as { code: string }).code, 'FAIL');
  assert.equal((await dynamoPayoutStore(table).get(ref))!.state, 'awaiting-confirmation');

  await post(`/sandbox/pay/transfer-bills/${ref}/reject`);
  assert.equal((await dynamoPayoutStore(table).get(ref))!.state, 'failed');
  const wallet = (await handlers.admin('GET', '/admin/members/wallet-a/wallet')).body;
  assert.equal(wallet.balanceFen, 200, 'the refused transfer went back to the wallet');
  assert.equal(wallet.entries.filter((e: { reason: string }) => e.reason === 'withdrawal failed').length, 1);
});

test('redpack mode: a classic cash red packet, sent once under its mch_billno, paid when opened', async () => {
  await liveCampaign({
    trigger: { keywords: ['现金红包'] },
    round: { packets: 1, totalFen: 100, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'redpack' },
    bestLuckPrize: undefined,
  });
  await post('/sandbox/pay/faults', { path: '/mmpaymkttransfers/sendredpack', kind: 'drop-after-commit', times: 1 });
  assert.match(await grab('cash-a', '现金红包'), /现金红包稍后发到这里/);
  const rt = await containerApp();
  const ports = (await payoutPorts(rt))!;
  const later = { ...ports, clock: { now: () => Date.now() + 3_600_000 } };
  assert.equal((await reconcilePayouts(later)).sent, 1);
  const packets = (await bills()).redpacks.filter((r) => r.mchBillno.startsWith('RP'));
  assert.equal(packets.length, 1, 'the retry after the dropped answer did not send a second packet');
  await post(`/sandbox/pay/redpacks/${packets[0]!.mchBillno}/open`);
  assert.equal((await reconcilePayouts({ ...later, clock: { now: () => Date.now() + 7_200_000 } })).paid, 1);
  assert.equal((await dynamoPayoutStore(table).get(packets[0]!.mchBillno))!.state, 'paid');
});
