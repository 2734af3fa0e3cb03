import { test } from 'node:test';
import assert from 'node:assert/strict';
import { businessDay } from '../clock/timeZone';
import { nextStreak, previousDay } from './signIn';

test('previous day across month, year and leap-day boundaries', () => {
  assert.equal(previousDay('2026-12-01'), '2026-11-30');
  assert.equal(previousDay('2027-01-01'), '2026-12-31');
  assert.equal(previousDay('2028-03-01'), '2028-02-29');
  assert.equal(previousDay('2027-03-01'), '2027-02-28');
});

test('streak: yesterday continues, a gap restarts', () => {
  assert.equal(nextStreak('2026-11-22', 6, '2026-11-23'), 7);
  assert.equal(nextStreak('2026-11-21', 6, '2026-11-23'), 1);
  assert.equal(nextStreak(undefined, undefined, '2026-11-23'), 1);
  assert.equal(nextStreak('2026-12-31', 3, '2027-01-01'), 4);
});

test('the business day is the account time zone, not UTC', () => {
  // 23:59 in Shanghai on the 23rd is 15:59 UTC; one minute later it is the 24th there, still the 23rd in UTC.
  assert.equal(businessDay(Date.parse('2026-11-23T15:59:00Z'), 'Asia/Shanghai'), '2026-11-23');
  assert.equal(businessDay(Date.parse('2026-11-23T16:00:00Z'), 'Asia/Shanghai'), '2026-11-24');
  assert.equal(businessDay(Date.parse('2026-11-23T16:00:00Z'), 'UTC'), '2026-11-23');
  assert.equal(businessDay(Date.parse('2026-11-24T04:59:00Z'), 'America/New_York'), '2026-11-23');
  // Two sign-ins an hour apart in UTC can be two business days in Shanghai…
  const late = Date.parse('2026-11-23T15:30:00Z');
  const early = Date.parse('2026-11-23T16:30:00Z');
  assert.equal(nextStreak(businessDay(late, 'Asia/Shanghai'), 1, businessDay(early, 'Asia/Shanghai')), 2);
  // …and the same UTC day can hold a gap in another zone.
  assert.equal(nextStreak(businessDay(Date.parse('2026-11-21T23:00:00Z'), 'UTC'), 5, businessDay(Date.parse('2026-11-23T01:00:00Z'), 'UTC')), 1);
});
