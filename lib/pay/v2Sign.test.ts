import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v2Sign, v2SignString } from './v2Sign';

// The example of WeChat Pay's APIv2 signature guide (签名算法); the results were also checked
// against wechatpay-axios-plugin's independent implementation.
const EXAMPLE = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
const KEY = '192006250b4c09247ec02edce69f6a2d';

test('the published APIv2 example: MD5 and HMAC-SHA256', () => {
  assert.equal(
    v2SignString(EXAMPLE, KEY),
    'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d',
  );
  assert.equal(v2Sign(EXAMPLE, KEY, 'MD5'), '9A0A8659F005D6984697E2CA0A9CF3B7');
  assert.equal(v2Sign(EXAMPLE, KEY, 'HMAC-SHA256'), '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
});

test('empty values and an existing sign are left out; field order does not matter', () => {
  const shuffled = {
    nonce_str: EXAMPLE.nonce_str,
    body: 'test',
    sign: 'WHATEVER',
    mch_id: '10000100',
    empty: '',
    device_info: '1000',
    appid: EXAMPLE.appid,
    missing: undefined,
  };
  assert.equal(v2Sign(shuffled, KEY), '9A0A8659F005D6984697E2CA0A9CF3B7');
});

test('numbers are signed as their decimal text', () => {
  assert.equal(v2Sign({ total_amount: 100, total_num: 1 }, KEY), v2Sign({ total_amount: '100', total_num: '1' }, KEY));
});
