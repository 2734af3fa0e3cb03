import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expiredBy, expiryDayFor, lotsAfter, NEVER } from './pointLots';

test('expiry day per policy, in the account time zone', () => {
  // 2026-12-31 20:00 UTC is already 2027-01-01 in Shanghai: points earned then last until the end of 2028.
  const newYearInShanghai = Date.parse('2026-12-31T20:00:00Z');
  assert.equal(expiryDayFor({ type: 'endOfNextYear' }, newYearInShanghai, 'Asia/Shanghai'), '2028-12-31');
  assert.equal(expiryDayFor({ type: 'endOfNextYear' }, newYearInShanghai, 'UTC'), '2027-12-31');
  assert.equal(expiryDayFor({ type: 'days', days: 30 }, Date.parse('2026-02-10T04:00:00Z'), 'Asia/Shanghai'), '2026-03-12');
  assert.equal(expiryDayFor({ type: 'never' }, 0, 'UTC'), NEVER);
});

test('spending takes the lots that expire first', () => {
  let lots = lotsAfter({}, 100, '2027-12-31');
  lots = lotsAfter(lots, 50, '2028-12-31');
  lots = lotsAfter(lots, -120, '2028-12-31');
  assert.deepEqual(lots, { '2028-12-31': 30 });
  assert.equal(expiredBy(lots, '2027-12-31'), 0);
  assert.equal(expiredBy(lots, '2028-12-31'), 30);
});

test('lots never go negative and add up to what was earned minus what was spent (property)', () => {
  const day = fc.constantFrom('2026-12-31', '2027-06-30', '2027-12-31', '2028-12-31');
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: -200, max: 200 }).filter((d) => d !== 0),
          day,
        ),
        { maxLength: 30 },
      ),
      (ops) => {
        let lots = {};
        let balance = 0;
        for (const [delta, d] of ops) {
          if (balance + delta < 0) continue; // the ledger refuses overdrafts
          lots = lotsAfter(lots, delta, d);
          balance += delta;
        }
        assert.ok(Object.values(lots).every((n) => (n as number) > 0));
        assert.equal(expiredBy(lots, '9999-12-31'), balance);
      },
    ),
  );
});
