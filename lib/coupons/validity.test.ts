import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { businessDay } from '../clock/timeZone';
import { validitySchema } from './couponSchemas';
import { addDays, couponValidity, endOfLocalDay, isoWeekday, localWallClock, startOfLocalDay } from './validity';

const SH = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);

test('calendar helpers: weekday and day arithmetic across month, year and leap day', () => {
  assert.equal(isoWeekday('2026-11-23'), 1); // Monday
  assert.equal(isoWeekday('2026-11-29'), 7); // Sunday
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});

test('endOfWeek: until Sunday 23:59:59.999 in the account zone', () => {
  // Monday 10:00 Shanghai → Sunday 29th 23:59:59.999 Shanghai = 15:59:59.999 UTC.
  assert.deepEqual(couponValidity({ type: 'endOfWeek' }, at('2026-11-23T02:00:00Z'), SH), {
    validFrom: '2026-11-23T02:00:00.000Z',
    validUntil: '2026-11-29T15:59:59.999Z',
  });
  // Issued Sunday 23:30 Shanghai (15:30 UTC): ends 30 minutes later.
  assert.equal(couponValidity({ type: 'endOfWeek' }, at('2026-11-29T15:30:00Z'), SH).validUntil, '2026-11-29T15:59:59.999Z');
  // Issued Monday 00:10 Shanghai, which is still Sunday 16:10 in UTC: ends the following Sunday.
  assert.equal(couponValidity({ type: 'endOfWeek' }, at('2026-11-29T16:10:00Z'), SH).validUntil, '2026-12-06T15:59:59.999Z');
  // The same instant in UTC is still Sunday: ends 7 h 50 min later.
  assert.equal(couponValidity({ type: 'endOfWeek' }, at('2026-11-29T16:10:00Z'), 'UTC').validUntil, '2026-11-29T23:59:59.999Z');
});

test('days: N business days counting the issue day as day 1', () => {
  assert.equal(couponValidity({ type: 'days', days: 1 }, at('2026-11-23T02:00:00Z'), SH).validUntil, '2026-11-23T15:59:59.999Z');
  assert.equal(couponValidity({ type: 'days', days: 30 }, at('2026-11-23T02:00:00Z'), SH).validUntil, '2026-12-22T15:59:59.999Z');
  // 23:59 Shanghai on the 23rd and 00:01 on the 24th are two different day 1s.
  assert.equal(couponValidity({ type: 'days', days: 2 }, at('2026-11-23T15:59:00Z'), SH).validUntil, '2026-11-24T15:59:59.999Z');
  assert.equal(couponValidity({ type: 'days', days: 2 }, at('2026-11-23T16:01:00Z'), SH).validUntil, '2026-11-25T15:59:59.999Z');
});

test('fixed: from local midnight of from to local 23:59:59.999 of to, whenever issued', () => {
  assert.deepEqual(couponValidity({ type: 'fixed', from: '2026-12-01', to: '2026-12-31' }, at('2026-11-23T02:00:00Z'), SH), {
    validFrom: '2026-11-30T16:00:00.000Z',
    validUntil: '2026-12-31T15:59:59.999Z',
  });
  assert.deepEqual(couponValidity({ type: 'fixed', from: '2026-12-01', to: '2026-12-01' }, 0, 'America/New_York'), {
    validFrom: '2026-12-01T05:00:00.000Z',
    validUntil: '2026-12-02T04:59:59.999Z',
  });
});

test('DST: America/New_York falls back on Sunday 2026-11-01, Europe/Berlin on Sunday 2026-10-25', () => {
  const NY = 'America/New_York';
  // Saturday Oct 31 local (EDT, −4): the week ends Sunday Nov 1 23:59:59.999 EST (−5) = Nov 2 04:59:59.999 UTC.
  assert.equal(couponValidity({ type: 'endOfWeek' }, at('2026-10-31T16:00:00Z'), NY).validUntil, '2026-11-02T04:59:59.999Z');
  // Issued 01:30 EDT on Nov 1 (the first 01:30), 2 days → Monday Nov 2 EST.
  assert.equal(couponValidity({ type: 'days', days: 2 }, at('2026-11-01T05:30:00Z'), NY).validUntil, '2026-11-03T04:59:59.999Z');
  // Fixed over the change: starts at EDT midnight, ends at EST midnight; that day has 25 hours.
  const w = couponValidity({ type: 'fixed', from: '2026-11-01', to: '2026-11-01' }, 0, NY);
  assert.deepEqual(w, { validFrom: '2026-11-01T04:00:00.000Z', validUntil: '2026-11-02T04:59:59.999Z' });
  assert.equal(Date.parse(w.validUntil) + 1 - Date.parse(w.validFrom), 25 * 3_600_000);
  // Spring forward (Mar 8 2026): a 23-hour day.
  const spring = couponValidity({ type: 'fixed', from: '2026-03-08', to: '2026-03-08' }, 0, NY);
  assert.equal(Date.parse(spring.validUntil) + 1 - Date.parse(spring.validFrom), 23 * 3_600_000);

  const BER = 'Europe/Berlin';
  // Friday Oct 23 (CEST, +2): ends Sunday Oct 25 23:59:59.999 CET (+1) = 22:59:59.999 UTC.
  assert.equal(couponValidity({ type: 'endOfWeek' }, at('2026-10-23T10:00:00Z'), BER).validUntil, '2026-10-25T22:59:59.999Z');
  // Saturday Oct 24, 3 days → Monday Oct 26 CET.
  assert.equal(couponValidity({ type: 'days', days: 3 }, at('2026-10-24T10:00:00Z'), BER).validUntil, '2026-10-26T22:59:59.999Z');
  // The week before the change still ends in CEST.
  assert.equal(couponValidity({ type: 'endOfWeek' }, at('2026-10-16T10:00:00Z'), BER).validUntil, '2026-10-18T21:59:59.999Z');
});

test('a zone whose DST change is at midnight (America/Santiago) still ends at a local 23:59:59.999', () => {
  const tz = 'America/Santiago';
  for (const day of ['2026-04-04', '2026-04-05', '2026-09-05', '2026-09-06']) {
    const end = endOfLocalDay(day, tz);
    assert.equal(businessDay(end, tz), day);
    assert.equal(localWallClock(end, tz).slice(11), '23:59:59.999');
    assert.ok(businessDay(end + 1, tz) > day);
    assert.equal(businessDay(startOfLocalDay(day, tz), tz), day);
    assert.ok(businessDay(startOfLocalDay(day, tz) - 1, tz) < day);
  }
});

const zones = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'America/Santiago',
];
const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') });

test('property: endOfWeek and days end at or after the issue, at a local 23:59:59.999, on the right day', () => {
  fc.assert(
    fc.property(instant, fc.constantFrom(...zones), fc.integer({ min: 1, max: 400 }), (issued, tz, days) => {
      const today = businessDay(issued, tz);
      const week = couponValidity({ type: 'endOfWeek' }, issued, tz);
      const byDays = couponValidity({ type: 'days', days }, issued, tz);
      for (const w of [week, byDays]) {
        const until = Date.parse(w.validUntil);
        assert.ok(until >= issued);
        assert.equal(w.validFrom, new Date(issued).toISOString());
        assert.equal(localWallClock(until, tz).slice(11), '23:59:59.999');
        assert.ok(businessDay(until + 1, tz) > businessDay(until, tz), 'the next millisecond is another day');
      }
      const weekEnd = businessDay(Date.parse(week.validUntil), tz);
      assert.equal(isoWeekday(weekEnd), 7);
      assert.ok(weekEnd >= today && weekEnd <= addDays(today, 6));
      assert.equal(businessDay(Date.parse(byDays.validUntil), tz), addDays(today, days - 1));
    }),
    { numRuns: 300 },
  );
});

test('property: fixed covers exactly the local days from…to', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 0, max: 60 }), fc.constantFrom(...zones), (base, span, tz) => {
      const from = new Date(base).toISOString().slice(0, 10);
      const to = addDays(from, span);
      const w = couponValidity({ type: 'fixed', from, to }, 0, tz);
      const start = Date.parse(w.validFrom);
      const end = Date.parse(w.validUntil);
      assert.equal(businessDay(start, tz), from);
      assert.ok(businessDay(start - 1, tz) < from);
      assert.equal(businessDay(end, tz), to);
      assert.equal(localWallClock(end, tz).slice(11), '23:59:59.999');
      assert.ok(businessDay(end + 1, tz) > to);
    }),
    { numRuns: 200 },
  );
});

test('validity schema: fixed needs real dates in order; days is a positive integer', () => {
  assert.ok(validitySchema.safeParse({ type: 'fixed', from: '2026-12-01', to: '2026-12-31' }).success);
  const backwards = validitySchema.safeParse({ type: 'fixed', from: '2026-12-31', to: '2026-12-01' });
  assert.equal(backwards.success, false);
  assert.deepEqual(backwards.error?.issues[0]?.path, ['to']);
  assert.equal(validitySchema.safeParse({ type: 'fixed', from: '2026-02-30', to: '2026-03-01' }).success, false);
  assert.equal(validitySchema.safeParse({ type: 'days', days: 0 }).success, false);
  assert.equal(validitySchema.safeParse({ type: 'days', days: 1.5 }).success, false);
  assert.equal(validitySchema.safeParse({ type: 'weekly' }).success, false);
});
