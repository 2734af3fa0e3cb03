import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, privateDecrypt, constants, createPublicKey, createVerify } from 'node:crypto';
import { buildXml, parseXml } from '../wechat/xml';
import { createPayClient } from './client';
import { testConfig, testKeys, wechatpayHeaders } from './testing';
import { v2Sign } from './v2Sign';

// How each answer of WeChat Pay is classified, with fetch replaced by a scripted WeChat Pay.
const NOW = Date.UTC(2025, 5, 2, 1, 0, 0);
type Seen = { url: string; init: RequestInit };
type Script = (seen: Seen) => Response | Promise<Response>;

function clientWith(script: Script, overrides = {}) {
  const seen: Seen[] = [];
  const fakeFetch = (async (url: string | URL, init: RequestInit = {}) => {
    const s = { url: String(url), init };
    seen.push(s);
    return script(s);
  }) as typeof fetch;
  return { client: createPayClient(testConfig({ clock: () => NOW, fetch: fakeFetch, timeoutMs: 50, ...overrides })), seen };
}

/** A v3 answer signed as WeChat Pay signs it (or with the options' changes). */
function signed(status: number, json: unknown, o: Parameters<typeof wechatpayHeaders>[2] & { now?: number } = {}): Response {
  const body = json === undefined ? '' : JSON.stringify(json);
  return new Response(body || null, { status, headers: { 'content-type': 'application/json', ...wechatpayHeaders(body, o.now ?? NOW, o) } });
}
const unsigned = (status: number, json: unknown) => new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } });

const BILL = {
  outBillNo: 'rp20250602x1',
  openid: 'oFollower1',
  amountFen: 888,
  remark: '午餐红包',
  activityName: '每日午餐红包',
  rewardDescription: '第 1 轮手气红包',
  notifyUrl: 'https://example.com/pay/notify',
};
const CREATED = {
  out_bill_no: 'rp20250602x1',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  create_time: '2025-06-02T09:00:00+08:00',
  state: 'WAIT_USER_CONFIRM',
  package_info: 'affffddafdfafddffda==',
};

describe('createTransferBill', () => {
  test('sends a signed scene-1000 request and reads a verified answer', async () => {
    const { client, seen } = clientWith(() => signed(200, CREATED));
    const result = await client.createTransferBill(BILL);
    assert.deepEqual(result, {
      kind: 'ok',
      state: 'WAIT_USER_CONFIRM',
      transferBillNo: CREATED.transfer_bill_no,
      outBillNo: BILL.outBillNo,
      createTime: CREATED.create_time,
      packageInfo: CREATED.package_info,
    });
    const { url, init } = seen[0]!;
    assert.equal(url, 'https://api.mch.weixin.qq.com/v3/fund-app/mch-transfer/transfer-bills');
    const body = JSON.parse(String(init.body));
    assert.deepEqual(body, {
      appid: 'wx1234567890abcdef',
      out_bill_no: 'rp20250602x1',
      transfer_scene_id: '1000',
      openid: 'oFollower1',
      transfer_amount: 888,
      transfer_remark: '午餐红包',
      notify_url: 'https://example.com/pay/notify',
      transfer_scene_report_infos: [
        { info_type: '活动名称', info_content: '每日午餐红包' },
        { info_type: '奖励说明', info_content: '第 1 轮手气红包' },
      ],
    });
    // The Authorization header verifies with the merchant's public key over the documented text.
    const headers = init.headers as Record<string, string>;
    const m = /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="(\w+)",signature="([^"]+)",timestamp="(\d+)",serial_no="(\w+)"$/.exec(
      headers.authorization!,
    );
    assert.ok(m, headers.authorization);
    const [, mchid, nonce, signature, timestamp, serial] = m;
    assert.equal(mchid, '1900000109');
    assert.equal(serial, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
    assert.equal(timestamp, String(NOW / 1000));
    const text = `POST\n/v3/fund-app/mch-transfer/transfer-bills\n${timestamp}\n${nonce}\n${init.body}\n`;
    assert.ok(createVerify('RSA-SHA256').update(text).verify(createPublicKey(testKeys().merchantPublicPem), signature!, 'base64'));
    assert.ok(headers['user-agent']);
  });

  test('a real name goes encrypted with the platform key, and the request names that key', async () => {
    const { client, seen } = clientWith(() => signed(200, CREATED));
    await client.createTransferBill({ ...BILL, userName: '张三' });
    const body = JSON.parse(String(seen[0]!.init.body));
    const headers = seen[0]!.init.headers as Record<string, string>;
    assert.equal(headers['wechatpay-serial'], testKeys().platformPublicKeyId);
    const plain = privateDecrypt(
      { key: createPrivateKey(testKeys().platformKey.export({ type: 'pkcs8', format: 'pem' })), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(body.user_name, 'base64'),
    );
    assert.equal(plain.toString('utf8'), '张三');
  });

  test('an answer that does not verify is unknown, never ok', async () => {
    for (const [why, answer] of [
      ['unsigned', () => unsigned(200, CREATED)],
      ['signed by someone else', () => signed(200, CREATED, { key: testKeys().merchantKey })],
      ['another key id', () => signed(200, CREATED, { serial: 'PUB_KEY_ID_0000000000000000000000000000' })],
      ['stale', () => signed(200, CREATED, { now: NOW - 301_000 })],
    ] as const) {
      const { client } = clientWith(answer);
      const result = await client.createTransferBill(BILL);
      assert.equal(result.kind, 'unknown', why);
      assert.equal(result.kind === 'unknown' && result.cause, 'unverified', why);
    }
    const tampered = clientWith(() => {
      const r = signed(200, CREATED);
      return new Response(JSON.stringify({ ...CREATED, state: 'SUCCESS' }), { status: 200, headers: r.headers });
    });
    assert.equal((await tampered.client.createTransferBill(BILL)).kind, 'unknown');
  });

  test('5xx and SYSTEM_ERROR are unknown; 429 and FREQUENCY_LIMITED are throttled', async () => {
    const kinds = async (script: Script) => (await clientWith(script).client.createTransferBill(BILL)).kind;
    assert.equal(await kinds(() => signed(500, { code: 'SYSTEM_ERROR', message: '系统异常' })), 'unknown');
    assert.equal(await kinds(() => unsigned(502, { code: 'BAD_GATEWAY' })), 'unknown');
    assert.equal(await kinds(() => signed(400, { code: 'SYSTEM_ERROR', message: '系统异常' })), 'unknown');
    const limited = await clientWith(() => signed(429, { code: 'FREQUENCY_LIMITED', message: '频率超限' })).client.createTransferBill(BILL);
    assert.deepEqual(limited, { kind: 'throttled', code: 'FREQUENCY_LIMITED' });
    assert.equal(await kinds(() => unsigned(429, {})), 'throttled');
  });

  test('a verified 4xx is rejected with its code; an unverified one stays unknown', async () => {
    for (const [status, code] of [
      [400, 'PARAM_ERROR'],
      [403, 'NOT_ENOUGH'],
      [400, 'INVALID_REQUEST'],
      [403, 'NO_AUTH'],
    ] as const) {
      const result = await clientWith(() => signed(status, { code, message: 'm' })).client.createTransferBill(BILL);
      assert.deepEqual(result, { kind: 'rejected', code, message: 'm' });
    }
    // Believing a forged refusal could make the caller pay again under a new number.
    const forged = await clientWith(() => unsigned(400, { code: 'PARAM_ERROR', message: 'm' })).client.createTransferBill(BILL);
    assert.equal(forged.kind, 'unknown');
  });

  test('timeouts and network errors are unknown with their cause', async () => {
    // A server that never answers. A real socket keeps the process alive meanwhile; this fake holds
    // a handle of its own until the client's (unref'd) timeout aborts the request.
    const hang = clientWith(
      ({ init }) =>
        new Promise<Response>((_, reject) => {
          const alive = setInterval(() => {}, 1000);
          init.signal!.addEventListener('abort', () => {
            clearInterval(alive);
            reject(init.signal!.reason);
          });
        }),
    );
    const timedOut = await hang.client.createTransferBill(BILL);
    assert.equal(timedOut.kind === 'unknown' && timedOut.cause, 'timeout');
    const refused = clientWith(() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })));
    assert.deepEqual(await refused.client.createTransferBill(BILL), { kind: 'unknown', cause: 'network', reason: 'network: ECONNREFUSED' });
  });

  test('a verified 200 that is not a bill is unknown (malformed)', async () => {
    const kindOf = async (json: unknown) => {
      const r = await clientWith(() => signed(200, json)).client.createTransferBill(BILL);
      return r.kind === 'unknown' ? r.cause : r.kind;
    };
    assert.equal(await kindOf({ ...CREATED, state: 'PAID' }), 'malformed');
    assert.equal(await kindOf({ ...CREATED, out_bill_no: 'other' }), 'malformed');
    assert.equal(await kindOf([1, 2]), 'malformed');
  });
});

describe('queryTransferBill', () => {
  const FOUND = {
    mch_id: '1900000109',
    out_bill_no: 'rp20250602x1',
    transfer_bill_no: '1330000071100999991182020050700019480001',
    appid: 'wx1234567890abcdef',
    state: 'FAIL',
    transfer_amount: 888,
    transfer_remark: '午餐红包',
    fail_reason: 'OVERDUE_CLOSE',
    openid: 'oFollower1',
    create_time: 'c',
    update_time: 'u',
  };

  test('found, with state and fail reason; GET to the out-bill-no path with an empty signed body', async () => {
    const { client, seen } = clientWith(() => signed(200, FOUND));
    const r = await client.queryTransferBill('rp20250602x1');
    assert.deepEqual(r, {
      kind: 'found',
      state: 'FAIL',
      transferBillNo: FOUND.transfer_bill_no,
      outBillNo: 'rp20250602x1',
      amountFen: 888,
      openid: 'oFollower1',
      failReason: 'OVERDUE_CLOSE',
      createTime: 'c',
      updateTime: 'u',
    });
    assert.equal(seen[0]!.url, 'https://api.mch.weixin.qq.com/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/rp20250602x1');
    assert.equal(seen[0]!.init.method, 'GET');
    assert.equal(seen[0]!.init.body, undefined);
  });

  test('a verified 404 is not-found; an unverified one is unknown', async () => {
    assert.deepEqual(await clientWith(() => signed(404, { code: 'NOT_FOUND', message: '记录不存在' })).client.queryTransferBill('x1'), { kind: 'not-found' });
    assert.equal((await clientWith(() => unsigned(404, { code: 'NOT_FOUND' })).client.queryTransferBill('x1')).kind, 'unknown');
  });

  test('an out_bill_no that could never exist is a programming error', async () => {
    const { client } = clientWith(() => signed(200, FOUND));
    await assert.rejects(client.queryTransferBill('../../v3/other'), TypeError);
    await assert.rejects(client.queryTransferBill('a'.repeat(33)), TypeError);
  });
});

describe('classic red packets (APIv2)', () => {
  const PACKET = {
    mchBillno: '190000010920250602000000001',
    openid: 'oFollower1',
    amountFen: 188,
    sendName: '味道小馆',
    wishing: '午餐愉快',
    actName: '每日午餐红包',
    remark: '每天 11:30 开抢',
  };
  const xml = (fields: Record<string, string | number>) => new Response(buildXml(fields), { status: 200, headers: { 'content-type': 'text/plain' } });
  const fail = (code: string) => xml({ return_code: 'SUCCESS', return_msg: 'x', result_code: 'FAIL', err_code: code, err_code_des: 'd' });

  test('sendredpack: MD5-signed XML with the fixed fields; success gives send_listid', async () => {
    const { client, seen } = clientWith(
      () => xml({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_billno: PACKET.mchBillno, send_listid: '100004170120250602' }),
      { clientIp: '10.0.0.1' },
    );
    assert.deepEqual(await client.sendRedpack(PACKET), { kind: 'ok', sendListId: '100004170120250602', mchBillno: PACKET.mchBillno });
    assert.equal(seen[0]!.url, 'https://api.mch.weixin.qq.com/mmpaymkttransfers/sendredpack');
    const sent = parseXml(String(seen[0]!.init.body)).value as Record<string, string>;
    assert.equal(sent.total_num, '1');
    assert.equal(sent.total_amount, '188');
    assert.equal(sent.wxappid, 'wx1234567890abcdef');
    assert.equal(sent.mch_id, '1900000109');
    assert.equal(sent.client_ip, '10.0.0.1');
    assert.equal(sent.re_openid, 'oFollower1');
    assert.equal(sent.sign, v2Sign(sent, 'test-v2-key-0123456789abcdefghij', 'MD5'));
  });

  test('err_codes: retryable ones are unknown, FREQ_LIMIT throttled, business refusals rejected', async () => {
    const kind = async (r: Response) => {
      const out = await clientWith(() => r).client.sendRedpack(PACKET);
      return out.kind === 'rejected' || out.kind === 'throttled' ? `${out.kind}:${out.code}` : out.kind;
    };
    assert.equal(await kind(fail('SYSTEMERROR')), 'unknown');
    assert.equal(await kind(fail('PROCESSING')), 'unknown');
    assert.equal(await kind(fail('SOMETHING_NEW')), 'unknown');
    assert.equal(await kind(fail('FREQ_LIMIT')), 'throttled:FREQ_LIMIT');
    for (const code of ['NOTENOUGH', 'SENDNUM_LIMIT', 'MONEY_LIMIT', 'OPENID_ERROR', 'FATAL_ERROR', 'SIGN_ERROR'])
      assert.equal(await kind(fail(code)), `rejected:${code}`);
    assert.equal(await kind(xml({ return_code: 'FAIL', return_msg: '签名错误' })), 'rejected:RETURN_FAIL');
    assert.equal(await kind(new Response('<html>gateway</html', { status: 200 })), 'unknown');
    assert.equal(await kind(new Response('<!DOCTYPE x><xml/>', { status: 200 })), 'unknown');
    assert.equal(await kind(new Response('', { status: 503 })), 'unknown');
  });

  test('gethbinfo: status and the receiver; NOT_FOUND is not-found', async () => {
    const answer = buildXml({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      mch_billno: PACKET.mchBillno,
      detail_id: '1000041701201506',
      status: 'RECEIVED',
      total_amount: 188,
      send_time: '2025-06-02 11:30:00',
      hblist: { hbinfo: { openid: 'oFollower1', amount: 188, rcv_time: '2025-06-02 11:31:00' } },
    });
    const { client, seen } = clientWith(() => new Response(answer, { status: 200 }));
    assert.deepEqual(await client.queryRedpack(PACKET.mchBillno), {
      kind: 'found',
      status: 'RECEIVED',
      detailId: '1000041701201506',
      mchBillno: PACKET.mchBillno,
      amountFen: 188,
      openid: 'oFollower1',
      sendTime: '2025-06-02 11:30:00',
      receivedTime: '2025-06-02 11:31:00',
    });
    const sent = parseXml(String(seen[0]!.init.body)).value as Record<string, string>;
    assert.equal(sent.bill_type, 'MCHT');
    assert.equal(sent.appid, 'wx1234567890abcdef');
    assert.deepEqual(await clientWith(() => fail('NOT_FOUND')).client.queryRedpack(PACKET.mchBillno), { kind: 'not-found' });
  });
});

test('bad configuration fails at creation, not on the first payout', () => {
  assert.throws(() => createPayClient(testConfig({ apiV3Key: 'short' })), /32 bytes/);
  assert.throws(() => createPayClient(testConfig({ platformPublicKeyId: 'ABCDEF' })), /PUB_KEY_ID_/);
  assert.throws(() => createPayClient(testConfig({ merchantPrivateKeyPem: 'not a key' })));
});
