import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundAt, type RoundSchedule } from './roundSchedule';

const lunch: RoundSchedule = { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2026-12-01', to: '2026-12-31' };
const at = (iso: string) => Date.parse(iso);

test('a daily round opens and ends at local time in the campaign zone', () => {
  // 11:30 in Shanghai is 03:30 UTC.
  assert.deepEqual(roundAt(lunch, at('2026-12-05T03:29:59Z')), { state: 'not-started', day: '2026-12-05', opensAt: '11:30' });
  assert.deepEqual(roundAt(lunch, at('2026-12-05T03:30:00Z')), { state: 'open', roundId: '2026-12-05', day: '2026-12-05' });
  assert.deepEqual(roundAt(lunch, at('2026-12-05T03:39:59Z')), { state: 'open', roundId: '2026-12-05', day: '2026-12-05' });
  assert.deepEqual(roundAt(lunch, at('2026-12-05T03:40:00Z')), { state: 'ended', day: '2026-12-05' });
});

test('outside the campaign dates there is no round, judged by the local date', () => {
  // 2026-11-30T20:00Z is already 2026-12-01 04:00 in Shanghai: inside the campaign, before the round.
  assert.equal(roundAt(lunch, at('2026-11-30T20:00:00Z')).state, 'not-started');
  assert.equal(roundAt(lunch, at('2026-11-30T15:00:00Z')).state, 'outside-campaign');
  assert.equal(roundAt(lunch, at('2027-01-01T03:35:00Z')).state, 'outside-campaign');
  assert.equal(roundAt({ ...lunch, timezone: 'Europe/Berlin' }, at('2026-12-05T10:35:00Z')).state, 'open');
});
