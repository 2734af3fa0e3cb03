import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalisePhone } from './phone';
import { checkRow, yuanToFen } from './row';

test('the ways people write a mainland mobile number', () => {
  for (const s of ['13812345678', '+86 138 1234 5678', '+86-138-1234-5678', '0086 13812345678', '8613812345678', ' 138-1234-5678 ', '(138) 1234 5678']) {
    assert.equal(normalisePhone(s), '13812345678', s);
  }
  for (const s of ['', '1381234567', '138123456789', '12812345678', '+1 415 555 0100', '010-12345678', '1381234567x', '+8513812345678']) {
    assert.equal(normalisePhone(s), undefined, s);
  }
});

const mobile = fc.tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 })).map(([d, rest]) => `1${d}${String(rest).padStart(9, '0')}`);

test('decorating a valid number never changes what it normalises to (property)', () => {
  fc.assert(
    fc.property(
      mobile,
      fc.constantFrom('', '+86', '+86 ', '0086', '86'),
      fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 3 }),
      fc.constantFrom(' ', '-'),
      (m, prefix, cuts, sep) => {
        let body = m;
        for (const c of [...new Set(cuts)].sort((a, b) => b - a)) body = body.slice(0, c) + sep + body.slice(c);
        assert.equal(normalisePhone(prefix + body), m);
        assert.equal(normalisePhone(normalisePhone(prefix + body)!), m, 'idempotent');
      },
    ),
  );
});

test('whatever it accepts is 11 digits starting 1[3-9] (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('1', '3', '8', '0', '+', '6', ' ', '-', 'x') }), (s) => {
      const n = normalisePhone(s);
      if (n !== undefined) assert.match(n, /^1[3-9]\d{9}$/);
    }),
  );
});

test('rows: yuan to fen exactly, reasons name the field', () => {
  assert.equal(yuanToFen('123.45'), 12345);
  assert.equal(yuanToFen('500'), 50000);
  assert.equal(yuanToFen('0.1'), 10);
  assert.equal(yuanToFen(19.99), 1999);
  assert.equal(yuanToFen('1.234'), undefined);
  assert.equal(yuanToFen('-1'), undefined);
  const ok = checkRow({ phone: '+86 138-1234-5678', lifetimeSpend: '500.00', channel: 'offline-store', name: ' 李雷 ' }, 1);
  assert.deepEqual(ok, { ok: true, value: { row: 1, phone: '13812345678', spendFen: 50000, channel: 'offline-store', name: '李雷' } });
  const bad = checkRow({ phone: '12345', channel: 'Online Shop', lifetimeSpendFen: -5 }, 7);
  assert.equal(bad.ok, false);
  const reason = bad.ok ? '' : bad.error.reason;
  assert.match(reason, /^phone: not a mainland mobile number/);
  assert.match(reason, /channel:/);
  assert.match(reason, /lifetimeSpendFen:/);
  assert.match(
    checkRow({ name: 'x', channel: 'website' }, 3).ok ? '' : (checkRow({ name: 'x', channel: 'website' }, 3) as { error: { reason: string } }).error.reason,
    /phone or unionid/,
  );
  assert.match(
    (checkRow({ unionid: 'u1', lifetimeSpendFen: '100', lifetimeSpend: '2', channel: 'website' }, 1) as { error: { reason: string } }).error.reason,
    /disagrees/,
  );
});
