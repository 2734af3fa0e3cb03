import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HANDOFF_SETTINGS } from './handoff';
import { isInsideServiceHours } from './serviceHours';

const weekdays = DEFAULT_HANDOFF_SETTINGS.serviceHours; // Mon–Fri 09:00–18:00
const at = (iso: string) => Date.parse(iso);

test('service hours are read on the wall clock of the account time zone', () => {
  // Monday 2026-12-07 in Shanghai (UTC+8).
  assert.equal(isInsideServiceHours(weekdays, at('2026-12-07T00:59:00Z'), 'Asia/Shanghai'), false, '08:59');
  assert.equal(isInsideServiceHours(weekdays, at('2026-12-07T01:00:00Z'), 'Asia/Shanghai'), true, '09:00 opens');
  assert.equal(isInsideServiceHours(weekdays, at('2026-12-07T09:59:00Z'), 'Asia/Shanghai'), true, '17:59');
  assert.equal(isInsideServiceHours(weekdays, at('2026-12-07T10:00:00Z'), 'Asia/Shanghai'), false, '18:00 closes');
  // The same instant is Sunday evening in New York.
  assert.equal(isInsideServiceHours(weekdays, at('2026-12-07T03:00:00Z'), 'America/New_York'), false);
  assert.equal(isInsideServiceHours(weekdays, at('2026-12-07T15:00:00Z'), 'America/New_York'), true, 'Monday 10:00 there');
});

test('days are ISO weekdays: 6 and 7 are the weekend; a day not listed is closed all day', () => {
  const saturday = at('2026-12-05T03:00:00Z'); // Saturday 11:00 in Shanghai
  const sunday = at('2026-12-06T03:00:00Z');
  assert.equal(isInsideServiceHours(weekdays, saturday, 'Asia/Shanghai'), false);
  assert.equal(isInsideServiceHours({ ...weekdays, days: [6] }, saturday, 'Asia/Shanghai'), true);
  assert.equal(isInsideServiceHours({ ...weekdays, days: [6] }, sunday, 'Asia/Shanghai'), false);
  assert.equal(isInsideServiceHours({ ...weekdays, days: [7] }, sunday, 'Asia/Shanghai'), true);
});

test('a window past midnight belongs to the day it starts on', () => {
  const night = { days: [5], from: '22:00', to: '02:00' }; // Friday night
  assert.equal(isInsideServiceHours(night, at('2026-12-04T14:30:00Z'), 'Asia/Shanghai'), true, 'Friday 22:30');
  assert.equal(isInsideServiceHours(night, at('2026-12-04T17:30:00Z'), 'Asia/Shanghai'), true, 'Saturday 01:30, still Friday night');
  assert.equal(isInsideServiceHours(night, at('2026-12-04T18:00:00Z'), 'Asia/Shanghai'), false, 'Saturday 02:00');
  assert.equal(isInsideServiceHours(night, at('2026-12-05T14:30:00Z'), 'Asia/Shanghai'), false, 'Saturday 22:30: not a Saturday window');
  assert.equal(isInsideServiceHours(night, at('2026-12-03T17:30:00Z'), 'Asia/Shanghai'), false, 'Friday 01:30 belongs to Thursday night');
  const sundayNight = { days: [7], from: '23:00', to: '01:00' };
  assert.equal(isInsideServiceHours(sundayNight, at('2026-12-06T16:30:00Z'), 'Asia/Shanghai'), true, 'Monday 00:30 after Sunday 23:00');
});
