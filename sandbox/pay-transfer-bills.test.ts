import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createPayClient, type PayClient } from '../lib/pay/client';
import { transferBillFinished } from '../lib/pay/notification';
import { newNonce, responseMessage, rsaSign } from '../lib/pay/signature';
import { testConfig, testKeys } from '../lib/pay/testing';
import { createV3Transport } from '../lib/pay/v3Transport';
import { clientFor, startNotifyReceiver, type NotifyReceiver } from './pay-testing';
import { createSandbox, type Sandbox } from './server';
import { getJson, postJson, type JsonObject } from './testing/http';

// Merchant transfers through the real lib/pay client against the sandbox's WeChat Pay, on a test clock.
const START = Date.UTC(2025, 5, 2, 3, 30, 0);
const HOUR = 3600_000;
const OPENID = 'oFollowerPay0000000000000001';

let now = START;
let sandbox: Sandbox;
let receiver: NotifyReceiver;
let pay: PayClient;

before(async () => {
  receiver = await startNotifyReceiver();
  sandbox = createSandbox({ clock: () => now, pay: { notifyUrl: receiver.url } });
  await sandbox.listen(0);
  pay = await clientFor(sandbox);
  receiver.client = pay;
});
after(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(async () => {
  now = START;
  await postJson(`${sandbox.url}/sandbox/reset`, {});
  receiver.received.length = 0;
  sandbox.state.follower(OPENID, true);
});

const bill = (outBillNo: string, amountFen = 888) => ({
  outBillNo,
  openid: OPENID,
  amountFen,
  remark: '午餐红包',
  activityName: '每日午餐红包',
  rewardDescription: '第 1 轮手气红包',
});
const bills = async () => (await getJson(`${sandbox.url}/sandbox/pay/bills`)).json;
const fault = (body: JsonObject) => postJson(`${sandbox.url}/sandbox/pay/faults`, body);
const settle = (outBillNo: string, action: 'confirm' | 'reject' | 'notify') => postJson(`${sandbox.url}/sandbox/pay/transfer-bills/${outBillNo}/${action}`, {});

describe('keys', () => {
  test('the sandbox has its own platform key in public-key mode and a dev merchant key for local use', async () => {
    const { json } = await getJson(`${sandbox.url}/sandbox/pay/keys`);
    assert.match(json.platformPublicKeyId, /^PUB_KEY_ID_0114\d{24}$/);
    assert.match(json.platformPublicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.match(json.merchantPrivateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(json.merchantSerial, /^[0-9A-F]{40}$/);
    assert.equal(Buffer.byteLength(json.apiV3Key), 32);
    assert.equal(json.localUseOnly, true);
    assert.equal(json.notifyUrl, receiver.url);
  });

  test('a merchant key given in the options is used, and no private key is handed out', async () => {
    const own = createSandbox({
      clock: () => now,
      pay: {
        merchantPublicKeyPem: testKeys().merchantPublicPem,
        merchantSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
        apiV3Key: 'test-apiv3-key-0123456789abcdef!',
        mchid: '1900000109',
      },
    });
    await own.listen(0);
    try {
      const { json: keys } = await getJson(`${own.url}/sandbox/pay/keys`);
      assert.equal(keys.merchantPrivateKeyPem, null);
      own.state.follower(OPENID, true);
      const client = createPayClient(
        testConfig({ baseUrl: own.url, platformPublicKeyId: keys.platformPublicKeyId, platformPublicKeyPem: keys.platformPublicKeyPem, clock: () => now }),
      );
      const created = await client.createTransferBill(bill('own1'));
      assert.equal(created.kind, 'ok');
    } finally {
      await own.close();
    }
  });
});

describe('a transfer bill, end to end', () => {
  test('create → WAIT_USER_CONFIRM; the follower confirms → SUCCESS and a signed, encrypted callback', async () => {
    const created = await pay.createTransferBill(bill('rp20250602a1'));
    assert.equal(created.kind, 'ok');
    if (created.kind !== 'ok') return;
    assert.equal(created.state, 'WAIT_USER_CONFIRM');
    assert.ok(created.packageInfo);
    assert.deepEqual(await pay.queryTransferBill('rp20250602a1'), {
      kind: 'found',
      state: 'WAIT_USER_CONFIRM',
      transferBillNo: created.transferBillNo,
      outBillNo: 'rp20250602a1',
      amountFen: 888,
      openid: OPENID,
      createTime: '2025-06-02T11:30:00+08:00',
      updateTime: '2025-06-02T11:30:00+08:00',
    });

    now += 60_000;
    const confirmed = await settle('rp20250602a1', 'confirm');
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.json.bill.state, 'SUCCESS');
    assert.equal(confirmed.json.notification.status, 204, JSON.stringify(confirmed.json.notification));
    // The callback arrived before confirm answered, and lib/pay verified and decrypted it.
    assert.equal(receiver.received.length, 1);
    const got = receiver.received[0]!;
    assert.equal(got.opened.ok, true, JSON.stringify(got.opened));
    if (!got.opened.ok) return;
    assert.equal(got.opened.eventType, 'MCHTRANSFER.BILL.FINISHED');
    assert.deepEqual(transferBillFinished(got.opened.resource), {
      outBillNo: 'rp20250602a1',
      transferBillNo: created.transferBillNo,
      state: 'SUCCESS',
      amountFen: 888,
      openid: OPENID,
      mchid: sandbox.options.pay.mchid,
      updateTime: '2025-06-02T11:31:00+08:00',
    });
    const queried = await pay.queryTransferBill('rp20250602a1');
    assert.equal(queried.kind === 'found' ? queried.state : queried.kind, 'SUCCESS', 'a query after the confirmation says SUCCESS');
    // The follower saw the packet and the money arrive.
    const inbox = sandbox.state.inboxOf(OPENID).filter((e) => e.channel === 'redpacket');
    assert.deepEqual(
      inbox.map((e) => [e.msgType, e.amountFen, e.payment?.state]),
      [
        ['redpacket', 888, 'WAIT_USER_CONFIRM'],
        ['redpacket-status', 888, 'SUCCESS'],
      ],
    );
    assert.equal((await settle('rp20250602a1', 'confirm')).status, 409);
  });

  test('turned down → CANCELLED; unconfirmed for 24 h → FAIL (OVERDUE_CLOSE); both notified, money back', async () => {
    const { json: before } = await getJson(`${sandbox.url}/sandbox/pay/bills`);
    await pay.createTransferBill(bill('rp20250602b1', 500));
    await pay.createTransferBill(bill('rp20250602b2', 700));
    assert.equal((await bills()).balanceFen, before.balanceFen - 1200);
    assert.equal((await settle('rp20250602b1', 'reject')).json.bill.state, 'CANCELLED');

    now += 24 * HOUR - 1000;
    assert.equal((await bills()).expiredNow, 0);
    now += 1000;
    // GET /sandbox/pay/bills runs the 24-hour check and waits for its callbacks.
    const after24h = await bills();
    assert.equal(after24h.expiredNow, 1);
    assert.equal(after24h.balanceFen, before.balanceFen);
    const q = await pay.queryTransferBill('rp20250602b2');
    assert.equal(q.kind === 'found' && `${q.state}/${q.failReason}`, 'FAIL/OVERDUE_CLOSE');
    const states = receiver.received.map((r) => (r.opened.ok ? transferBillFinished(r.opened.resource)?.state : r.opened.error));
    assert.deepEqual(states, ['CANCELLED', 'FAIL']);
  });

  test('a callback nobody takes is recorded and can be sent again', async () => {
    await pay.createTransferBill({ ...bill('rp20250602c1'), notifyUrl: 'http://127.0.0.1:9/nowhere' });
    const confirmed = await settle('rp20250602c1', 'confirm');
    assert.equal(confirmed.json.notification.status, 0);
    assert.match(confirmed.json.notification.error, /cannot reach/);
    assert.equal((await settle('rp20250602c1', 'notify')).json.notification.status, 0);
    assert.equal((await bills()).transferBills[0].notifications.length, 2);
  });
});

describe('idempotency and retries', () => {
  test('the same out_bill_no and content is the same bill; other content under it is refused', async () => {
    const first = await pay.createTransferBill(bill('rp20250602d1'));
    const again = await pay.createTransferBill(bill('rp20250602d1'));
    assert.deepEqual(again, first);
    const changed = await pay.createTransferBill(bill('rp20250602d1', 999));
    assert.equal(changed.kind === 'rejected' && changed.code, 'INVALID_REQUEST');
    const all = await bills();
    assert.equal(all.transferBills.length, 1);
  });

  test('drop-after-commit: the bill is made, the answer lost; the retry with the same number pays once', async () => {
    const { json: before } = await getJson(`${sandbox.url}/sandbox/pay/bills`);
    await fault({ path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'drop-after-commit', times: 1 });
    const lost = await pay.createTransferBill(bill('rp20250602e1'));
    assert.equal(lost.kind, 'unknown');
    assert.equal(lost.kind === 'unknown' && lost.cause, 'network');
    assert.equal((await bills()).transferBills.length, 1, 'the sandbox committed the bill');
    const retried = await pay.createTransferBill(bill('rp20250602e1'));
    assert.equal(retried.kind, 'ok');
    const after = await bills();
    assert.equal(after.transferBills.length, 1);
    assert.equal(after.balanceFen, before.balanceFen - 888);
    assert.equal(retried.kind === 'ok' && retried.transferBillNo, after.transferBills[0].transferBillNo);
  });

  test('SYSTEM_ERROR, then the retry succeeds', async () => {
    await fault({ kind: 'SYSTEM_ERROR', times: 1 });
    const failed = await pay.createTransferBill(bill('rp20250602f1'));
    assert.equal(failed.kind === 'unknown' && failed.cause, 'server-error');
    assert.equal((await bills()).transferBills.length, 0);
    assert.equal((await pay.createTransferBill(bill('rp20250602f1'))).kind, 'ok');
  });

  test('timeout: no answer within the client timeout is unknown', async () => {
    const impatient = await clientFor(sandbox, { timeoutMs: 200 });
    await fault({ kind: 'timeout', times: 1 });
    const r = await impatient.createTransferBill(bill('rp20250602g1'));
    assert.equal(r.kind === 'unknown' && r.cause, 'timeout');
    assert.equal((await impatient.createTransferBill(bill('rp20250602g1'))).kind, 'ok');
  });

  test('FREQUENCY_LIMITED is throttled; a fault only hits the paths it names', async () => {
    await fault({ path: '/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/', kind: 'FREQUENCY_LIMITED', times: 2 });
    assert.equal((await pay.createTransferBill(bill('rp20250602h1'))).kind, 'ok');
    assert.deepEqual(await pay.queryTransferBill('rp20250602h1'), { kind: 'throttled', code: 'FREQUENCY_LIMITED' });
    assert.deepEqual(await pay.queryTransferBill('rp20250602h1'), { kind: 'throttled', code: 'FREQUENCY_LIMITED' });
    assert.equal((await pay.queryTransferBill('rp20250602h1')).kind, 'found');
    const { json } = await getJson(`${sandbox.url}/sandbox/pay/requests`);
    assert.deepEqual(
      json.requests.map((r: JsonObject) => r.fault ?? r.status),
      [200, 'FREQUENCY_LIMITED', 'FREQUENCY_LIMITED', 200],
    );
  });

  test('a bad fault is refused', async () => {
    assert.equal((await fault({ kind: 'flaky' })).status, 400);
    assert.equal((await fault({ kind: 'timeout', times: 0 })).status, 400);
  });
});

describe('what WeChat Pay refuses', () => {
  test('rules of the API: minimum 0.10 CNY, out_bill_no format, known openid, report lines, balance', async () => {
    const code = async (r: Promise<Awaited<ReturnType<PayClient['createTransferBill']>>>) => {
      const out = await r;
      return out.kind === 'rejected' ? out.code : out.kind;
    };
    assert.equal(await code(pay.createTransferBill(bill('rp1', 9))), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill(bill('rp1', 10))), 'ok');
    assert.equal(await code(pay.createTransferBill(bill('rp-2'))), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill(bill('r'.repeat(33)))), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill({ ...bill('rp3'), openid: 'oStranger' })), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill({ ...bill('rp4'), activityName: '' })), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill({ ...bill('rp5'), remark: '很'.repeat(33) })), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill(bill('rp6', 200_000))), 'PARAM_ERROR');
    assert.equal(await code(pay.createTransferBill({ ...bill('rp6', 200_000), userName: '张三' })), 'ok');
    await postJson(`${sandbox.url}/sandbox/pay/balance`, { balanceFen: 100 });
    assert.equal(await code(pay.createTransferBill(bill('rp7', 101))), 'NOT_ENOUGH');
  });

  test('a request signed with another key is a 401 SIGN_ERROR, itself signed by the platform', async () => {
    const config = pay.config;
    const stranger = createPayClient({ ...config, merchantPrivateKeyPem: testKeys().merchantPrivatePem });
    assert.deepEqual(await stranger.createTransferBill(bill('rp8')), { kind: 'rejected', code: 'SIGN_ERROR', message: '签名错误' });
    // A merchant clock 301 s behind: the request is refused, and to that client the (fresh) answer
    // looks skewed too, so it stays unknown rather than a trusted refusal.
    const late = createPayClient({ ...config, clock: () => now - 301_000 });
    assert.equal((await late.createTransferBill(bill('rp8'))).kind, 'unknown');
    const { json } = await getJson(`${sandbox.url}/sandbox/pay/requests`);
    assert.deepEqual(
      json.requests.map((r: JsonObject) => `${r.status} ${r.code}`),
      ['401 SIGN_ERROR', '401 SIGN_ERROR'],
    );
    const res = await fetch(`${sandbox.url}/v3/fund-app/mch-transfer/transfer-bills`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('wechatpay-serial') ?? '', /^PUB_KEY_ID_/);
    assert.equal((await bills()).transferBills.length, 0);
  });

  test('an API the sandbox does not emulate answers a signed 404, never a fake success', async () => {
    const c = pay.config;
    const call = createV3Transport({
      baseUrl: c.baseUrl,
      mchid: c.mchid,
      merchantSerial: c.merchantSerial,
      merchantKey: createPrivateKey(c.merchantPrivateKeyPem),
      platform: { publicKeyId: c.platformPublicKeyId, publicKey: createPublicKey(c.platformPublicKeyPem) },
      timeoutMs: 2000,
      now: () => now,
      fetch,
    });
    const answer = await call('POST', '/v3/pay/transactions/jsapi', { amount: { total: 1 } });
    assert.equal(answer.kind, 'not-found');
    assert.match(answer.kind === 'not-found' ? answer.message : '', /does not emulate/);
  });
});

test('a tampered callback is refused by lib/pay even when re-signed with the platform key', async () => {
  await pay.createTransferBill(bill('rp20250602t1'));
  await settle('rp20250602t1', 'confirm');
  const genuine = receiver.received[0]!;
  assert.equal(genuine.opened.ok, true);
  const envelope = JSON.parse(genuine.body);
  const bytes = Buffer.from(envelope.resource.ciphertext, 'base64');
  bytes[0]! ^= 0x80;
  envelope.resource.ciphertext = bytes.toString('base64');
  const body = JSON.stringify(envelope);
  const timestamp = String(Math.floor(now / 1000));
  const nonce = newNonce();
  const platform = sandbox.pay.identity();
  const headers = {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': platform.platformPublicKeyId,
    'wechatpay-signature': rsaSign(responseMessage(timestamp, nonce, body), platform.platformKey),
  };
  const res = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  assert.equal(res.status, 401);
  const refused = receiver.received[1]!.opened;
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.error : '', /tag mismatch/);
  // The genuine one replayed ten minutes later is refused too.
  now += 10 * 60_000;
  assert.equal(pay.openPayNotification({ headers: genuine.headers, body: genuine.body }).ok, false);
});

test('POST /sandbox/reset forgets bills, faults and the balance', async () => {
  await pay.createTransferBill(bill('rp20250602r1'));
  await fault({ kind: 'timeout', times: 5 });
  await postJson(`${sandbox.url}/sandbox/reset`, {});
  const all = await bills();
  assert.equal(all.transferBills.length, 0);
  assert.equal(all.balanceFen, sandbox.options.pay.balanceFen);
  assert.deepEqual((await getJson(`${sandbox.url}/sandbox/pay/faults`)).json.faults, []);
});
