import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPayClient } from './client';
import { transferBillFinished } from './notification';
import { encryptResource } from './resourceCipher';
import { notificationBody, testConfig, wechatpayHeaders } from './testing';

const NOW = Date.UTC(2025, 5, 2, 1, 0, 0);
const client = createPayClient(testConfig({ clock: () => NOW }));
const RESOURCE = {
  out_bill_no: 'rp20250602x1',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  state: 'SUCCESS',
  mch_id: '1900000109',
  transfer_amount: 888,
  openid: 'oFollower1',
  create_time: '2025-06-02T09:00:00+08:00',
  update_time: '2025-06-02T09:01:00+08:00',
};

test('a genuine MCHTRANSFER.BILL.FINISHED opens and its resource types', () => {
  const body = notificationBody(RESOURCE);
  const opened = client.openPayNotification({ headers: wechatpayHeaders(body, NOW), body });
  assert.equal(opened.ok, true);
  if (!opened.ok) return;
  assert.equal(opened.eventType, 'MCHTRANSFER.BILL.FINISHED');
  assert.deepEqual(opened.resource, RESOURCE);
  assert.deepEqual(transferBillFinished(opened.resource), {
    outBillNo: 'rp20250602x1',
    transferBillNo: RESOURCE.transfer_bill_no,
    state: 'SUCCESS',
    amountFen: 888,
    openid: 'oFollower1',
    mchid: '1900000109',
    updateTime: '2025-06-02T09:01:00+08:00',
  });
  assert.equal(transferBillFinished({ ...RESOURCE, state: 'PAID' }), undefined);
});

test('one flipped bit of the ciphertext is refused even when the outer signature is made anew', () => {
  const envelope = JSON.parse(notificationBody(RESOURCE));
  const bytes = Buffer.from(envelope.resource.ciphertext, 'base64');
  bytes[5]! ^= 0x01;
  envelope.resource.ciphertext = bytes.toString('base64');
  const body = JSON.stringify(envelope);
  // Only someone holding the platform key could re-sign; the GCM tag still catches the change.
  const opened = client.openPayNotification({ headers: wechatpayHeaders(body, NOW), body });
  assert.deepEqual(opened, { ok: false, status: 401, error: 'resource failed authentication (AES-GCM tag mismatch)' });
});

test('a resource sealed with another APIv3 key is refused', () => {
  const body = notificationBody(RESOURCE, 'another-apiv3-key-0123456789abcd');
  const opened = client.openPayNotification({ headers: wechatpayHeaders(body, NOW), body });
  assert.equal(opened.ok, false);
  assert.equal(!opened.ok && opened.status, 401);
});

test('a stale or future timestamp is refused (a replayed callback)', () => {
  const body = notificationBody(RESOURCE);
  const stale = client.openPayNotification({ headers: wechatpayHeaders(body, NOW - 301_000), body });
  assert.equal(stale.ok, false);
  assert.equal(!stale.ok && stale.status, 401);
  assert.match(!stale.ok ? stale.error : '', /away from our clock/);
  const future = client.openPayNotification({ headers: wechatpayHeaders(body, NOW + 301_000), body });
  assert.equal(future.ok, false);
  assert.equal(client.openPayNotification({ headers: wechatpayHeaders(body, NOW - 299_000), body }).ok, true);
});

test('property: any single changed byte of the body fails (the signature covers the raw bytes)', () => {
  const body = notificationBody(RESOURCE);
  const headers = wechatpayHeaders(body, NOW);
  fc.assert(
    fc.property(fc.nat(), fc.integer({ min: 1, max: 127 }), (at, flip) => {
      const bytes = Buffer.from(body, 'utf8');
      bytes[at % bytes.length]! ^= flip;
      const opened = client.openPayNotification({ headers, body: bytes.toString('utf8') });
      assert.equal(opened.ok, false);
    }),
    { numRuns: 60 },
  );
});

test('malformed but genuinely signed bodies are 400s', () => {
  const signed = (body: string) => client.openPayNotification({ headers: wechatpayHeaders(body, NOW), body });
  const status = (r: ReturnType<typeof signed>) => (r.ok ? 200 : r.status);
  assert.equal(status(signed('not json')), 400);
  assert.equal(status(signed('{"id":"x","event_type":"E"}')), 400);
  const sealed = encryptResource('{}', 'test-apiv3-key-0123456789abcdef!', 'fdasflkja484', '');
  const otherAlgorithm = JSON.stringify({
    id: 'x',
    event_type: 'E',
    resource: { algorithm: 'AEAD_AES_128_GCM', ciphertext: sealed.ciphertext, nonce: sealed.nonce, associated_data: '' },
  });
  assert.equal(status(signed(otherAlgorithm)), 400);
  const notJsonInside = encryptResource('plain text', 'test-apiv3-key-0123456789abcdef!', 'fdasflkja484', '');
  assert.equal(
    status(
      signed(
        JSON.stringify({
          id: 'x',
          event_type: 'E',
          resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: notJsonInside.ciphertext, nonce: notJsonInside.nonce, associated_data: '' },
        }),
      ),
    ),
    400,
  );
  // unsigned: 401 before anything is parsed
  assert.equal(status(client.openPayNotification({ headers: {}, body: 'not json' })), 401);
});
