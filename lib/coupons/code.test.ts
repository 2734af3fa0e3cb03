import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CODE_ALPHABET, COUPON_CODE, newCouponCode, normalizeCouponCode } from './code';
import { defaultValue } from './coupon';

test('codes: 12 symbols in groups of four, none of 0 O 1 I', () => {
  assert.equal(CODE_ALPHABET.length, 32);
  assert.doesNotMatch(CODE_ALPHABET, /[01OI]/);
  for (let i = 0; i < 1000; i++) {
    const code = newCouponCode();
    assert.match(code, COUPON_CODE);
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.doesNotMatch(code, /[01OI]/);
  }
});

test('codes: 10,000 fresh codes are all different and use every symbol', () => {
  const codes = new Set(Array.from({ length: 10_000 }, () => newCouponCode()));
  assert.equal(codes.size, 10_000);
  const used = new Set([...codes].join('').replace(/-/g, ''));
  assert.equal(used.size, 32);
});

test('codes: every byte maps into the alphabet (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
      const code = newCouponCode(() => bytes);
      assert.match(code, COUPON_CODE);
      assert.equal(normalizeCouponCode(code.toLowerCase().replace(/-/g, ' ')), code);
    }),
  );
});

test('typed codes are normalised: case, spaces and dashes do not matter; impossible codes are rejected', () => {
  assert.equal(normalizeCouponCode('k7qm 4tzx 9hcb'), 'K7QM-4TZX-9HCB');
  assert.equal(normalizeCouponCode('K7QM4TZX9HCB'), 'K7QM-4TZX-9HCB');
  assert.equal(normalizeCouponCode('K7QM-4TZX-9HC'), undefined);
  assert.equal(normalizeCouponCode('K7QM-4TZX-9HC0'), undefined);
  assert.equal(normalizeCouponCode('K7QM-4TZX-9HCO'), undefined);
  assert.equal(normalizeCouponCode('../etc/passwd'), undefined);
});

test('a template without a value is a free item named after its title', () => {
  assert.deepEqual(defaultValue('free 红烧肉'), { type: 'item', item: '红烧肉' });
  assert.deepEqual(defaultValue('免费红烧肉'), { type: 'item', item: '红烧肉' });
  assert.deepEqual(defaultValue('Free dessert'), { type: 'item', item: 'dessert' });
  assert.deepEqual(defaultValue('一杯奶茶'), { type: 'item', item: '一杯奶茶' });
});
