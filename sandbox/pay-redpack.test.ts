import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PayClient } from '../lib/pay/client';
import type { RedpackInput } from '../lib/pay/redpack';
import { clientFor } from './pay-testing';
import { createSandbox, type Sandbox } from './server';
import { getJson, postJson, type JsonObject } from './testing/http';

// Classic cash red packets (APIv2 XML) through the real lib/pay client against the sandbox.
const START = Date.UTC(2025, 5, 2, 3, 30, 0); // 11:30 in China
const HOUR = 3600_000;
const OPENID = 'oFollowerRedpack00000000001';

let now = START;
let sandbox: Sandbox;
let pay: PayClient;

before(async () => {
  sandbox = createSandbox({ clock: () => now });
  await sandbox.listen(0);
  pay = await clientFor(sandbox);
});
after(() => sandbox.close());
beforeEach(async () => {
  now = START;
  await postJson(`${sandbox.url}/sandbox/reset`, {});
  sandbox.state.follower(OPENID, true);
});

let n = 0;
const packet = (amountFen = 188, mchBillno = `1900000109202506020${String(++n).padStart(8, '0')}`): RedpackInput => ({
  mchBillno,
  openid: OPENID,
  amountFen,
  sendName: '味道小馆',
  wishing: '午餐愉快',
  actName: '每日午餐红包',
  remark: '每天 11:30 开抢',
});
const outcome = async (p: Promise<Awaited<ReturnType<PayClient['sendRedpack']>>>) => {
  const r = await p;
  return r.kind === 'rejected' || r.kind === 'throttled' ? `${r.kind}:${r.code}` : r.kind === 'unknown' ? `unknown:${r.cause}` : r.kind;
};
const redpacks = async () => (await getJson(`${sandbox.url}/sandbox/pay/bills`)).json.redpacks as JsonObject[];
const fault = (body: JsonObject) => postJson(`${sandbox.url}/sandbox/pay/faults`, body);

test('sent: the packet lands in the chat; the follower opens it; gethbinfo follows', async () => {
  const p = packet();
  const sent = await pay.sendRedpack(p);
  assert.equal(sent.kind, 'ok');
  const bubble = sandbox.state.inboxOf(OPENID).find((e) => e.channel === 'redpacket')!;
  assert.deepEqual(
    [bubble.msgType, bubble.title, bubble.content, bubble.amountFen, bubble.payment],
    ['redpacket', '味道小馆', '午餐愉快', 188, { kind: 'redpack', billNo: p.mchBillno, state: 'SENT' }],
  );
  const q = await pay.queryRedpack(p.mchBillno);
  assert.equal(q.kind === 'found' && q.status, 'SENT');
  assert.equal(q.kind === 'found' && q.detailId, sent.kind === 'ok' && sent.sendListId);

  now += 60_000;
  assert.equal((await postJson(`${sandbox.url}/sandbox/pay/redpacks/${p.mchBillno}/open`, {})).status, 200);
  const opened = await pay.queryRedpack(p.mchBillno);
  assert.deepEqual(opened.kind === 'found' && [opened.status, opened.openid, opened.amountFen, opened.sendTime, opened.receivedTime], [
    'RECEIVED',
    OPENID,
    188,
    '2025-06-02 11:30:00',
    '2025-06-02 11:31:00',
  ]);
  assert.equal((await postJson(`${sandbox.url}/sandbox/pay/redpacks/${p.mchBillno}/open`, {})).status, 409);
  assert.deepEqual(await pay.queryRedpack('190000010920250602999999999'), { kind: 'not-found' });
});

test('unopened for 24 h: refunded', async () => {
  const p = packet();
  await pay.sendRedpack(p);
  now += 24 * HOUR;
  const q = await pay.queryRedpack(p.mchBillno);
  assert.equal(q.kind === 'found' && q.status, 'REFUND');
});

describe('rules', () => {
  test('1–200 CNY', async () => {
    assert.equal(await outcome(pay.sendRedpack(packet(99))), 'rejected:MONEY_LIMIT');
    assert.equal(await outcome(pay.sendRedpack(packet(100))), 'ok');
    assert.equal(await outcome(pay.sendRedpack(packet(20_000))), 'ok');
    assert.equal(await outcome(pay.sendRedpack(packet(20_001))), 'rejected:MONEY_LIMIT');
  });

  test('10 per follower per China day', async () => {
    for (let i = 0; i < 10; i++) assert.equal(await outcome(pay.sendRedpack(packet())), 'ok');
    assert.equal(await outcome(pay.sendRedpack(packet())), 'rejected:SENDNUM_LIMIT');
    now = Date.UTC(2025, 5, 2, 16, 0, 0); // 00:00 the next day in China
    assert.equal(await outcome(pay.sendRedpack(packet())), 'ok');
  });

  test('unknown openid, empty fields, balance', async () => {
    assert.equal(await outcome(pay.sendRedpack({ ...packet(), openid: 'oStranger' })), 'rejected:OPENID_ERROR');
    assert.equal(await outcome(pay.sendRedpack({ ...packet(), wishing: '' })), 'rejected:PARAM_ERROR');
    assert.equal(await outcome(pay.sendRedpack(packet(188, 'bill-with-dash'))), 'rejected:PARAM_ERROR');
    await postJson(`${sandbox.url}/sandbox/pay/balance`, { balanceFen: 150 });
    assert.equal(await outcome(pay.sendRedpack(packet(188))), 'rejected:NOTENOUGH');
  });

  test('a wrong APIv2 key is SIGN_ERROR', async () => {
    const wrong = await clientFor(sandbox, { v2Key: 'x'.repeat(32) });
    assert.equal(await outcome(wrong.sendRedpack(packet())), 'rejected:SIGN_ERROR');
    assert.equal((await redpacks()).length, 0);
  });
});

describe('idempotency and retries', () => {
  test('the same mch_billno gives the same packet; other content under it is FATAL_ERROR', async () => {
    const p = packet();
    const first = await pay.sendRedpack(p);
    assert.deepEqual(await pay.sendRedpack(p), first);
    assert.equal(await outcome(pay.sendRedpack({ ...p, amountFen: 288 })), 'rejected:FATAL_ERROR');
    assert.equal((await redpacks()).length, 1);
    assert.equal(sandbox.state.inboxOf(OPENID).filter((e) => e.msgType === 'redpacket').length, 1);
  });

  test('drop-after-commit, then the retry: one packet, paid once', async () => {
    const balance = (await getJson(`${sandbox.url}/sandbox/pay/bills`)).json.balanceFen as number;
    await fault({ path: '/mmpaymkttransfers/sendredpack', kind: 'drop-after-commit', times: 1 });
    const p = packet();
    assert.equal(await outcome(pay.sendRedpack(p)), 'unknown:network');
    assert.equal(await outcome(pay.sendRedpack(p)), 'ok');
    assert.equal((await redpacks()).length, 1);
    assert.equal((await getJson(`${sandbox.url}/sandbox/pay/bills`)).json.balanceFen, balance - 188);
  });

  test('SYSTEMERROR is unknown and nothing is sent; FREQ_LIMIT is throttled', async () => {
    await fault({ path: '/mmpaymkttransfers/', kind: 'SYSTEM_ERROR', times: 1 });
    await fault({ path: '/mmpaymkttransfers/', kind: 'FREQUENCY_LIMITED', times: 1 });
    const p = packet();
    assert.equal(await outcome(pay.sendRedpack(p)), 'unknown:server-error');
    assert.equal(await outcome(pay.sendRedpack(p)), 'throttled:FREQ_LIMIT');
    assert.equal((await redpacks()).length, 0);
    assert.equal(await outcome(pay.sendRedpack(p)), 'ok');
  });
});
