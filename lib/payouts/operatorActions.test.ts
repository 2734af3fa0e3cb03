import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MCH_BILLNO } from '../pay/redpack';
import { OUT_BILL_NO } from '../pay/transferBills';
import { retryRefOf } from './operatorActions';

// An operator's retry of a failed order gets a ref WeChat Pay accepts for its kind, never the old
// one, and the same one every time (so a retried retry request makes no second order).
test('a retry ref is a valid, new and stable out_bill_no / mch_billno', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,32}$/), fc.constantFrom('transfer' as const, 'redpack' as const), (ref, mode) => {
      const next = retryRefOf({ ref, mode });
      assert.match(next, mode === 'transfer' ? OUT_BILL_NO : MCH_BILLNO);
      assert.equal(next.length, mode === 'transfer' ? 32 : 28);
      assert.notEqual(next, ref);
      assert.equal(retryRefOf({ ref, mode }), next);
      assert.notEqual(retryRefOf({ ref: next, mode }), next, 'a retry of a retry gets its own ref');
    }),
  );
});
