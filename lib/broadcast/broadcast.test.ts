import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Member } from '../members/member';
import { shardOf } from '../segments/shard';
import { broadcastWarnings, heldUntil, planDelivery, quietHoursEnd, sendAtInstant, startOfNextDay, type Touch } from './broadcast';
import { broadcastSchema, type BroadcastInput } from './broadcastSchema';
import { chunksOf } from './dispatchBroadcasts';
import { CHUNK_SIZE } from './sendChunk';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);
const config = (over: Partial<BroadcastInput> = {}) =>
  broadcastSchema.parse({
    message: { channel: 'template', templateId: 't1', data: { thing1: '积分即将到期' } },
    segment: { tag: 'vip' },
    sendAt: 'now',
    ...over,
  });

const member = (over: Partial<Member> = {}): Member => ({
  openid: 'o1',
  subscribed: true,
  firstSeenAt: '2026-01-01T00:00:00Z',
  lastInteractionAt: '2026-11-01T00:00:00Z',
  points: 0,
  level: '普通',
  tags: [],
  ...over,
});
const ctx = (nowMs: number) => ({ nowMs, timeZone: SH, massMonthlyQuota: 4 });

test('sendAt: a wall-clock time is read in the account zone; an instant keeps its offset; now is now', () => {
  assert.equal(sendAtInstant('2026-12-01T09:00', SH, 0), at('2026-12-01T01:00:00Z'));
  assert.equal(sendAtInstant('2026-12-01T09:00', NY, 0), at('2026-12-01T14:00:00Z'));
  assert.equal(sendAtInstant('2026-07-01T09:00', NY, 0), at('2026-07-01T13:00:00Z'), 'daylight saving time in New York');
  assert.equal(sendAtInstant('2026-12-01T09:00:00+08:00', NY, 0), at('2026-12-01T01:00:00Z'));
  assert.equal(sendAtInstant('now', SH, 1234), 1234);
});

test('quiet hours 22:00–08:00 hold until the next 08:00 local, across midnight and in other zones', () => {
  const quiet = { start: '22:00', end: '08:00' };
  assert.equal(quietHoursEnd(quiet, SH, at('2026-12-01T14:30:00Z')), at('2026-12-02T00:00:00Z'), '22:30 Shanghai → 08:00 next morning');
  assert.equal(quietHoursEnd(quiet, SH, at('2026-12-01T19:00:00Z')), at('2026-12-02T00:00:00Z'), '03:00 Shanghai → 08:00 the same morning');
  assert.equal(quietHoursEnd(quiet, SH, at('2026-12-01T00:00:00Z')), undefined, '08:00 sharp is outside');
  assert.equal(quietHoursEnd(quiet, SH, at('2026-12-01T13:59:00Z')), undefined, '21:59 is outside');
  assert.equal(quietHoursEnd(quiet, NY, at('2026-12-02T04:00:00Z')), at('2026-12-02T13:00:00Z'), '23:00 New York → 08:00 New York');
  assert.equal(quietHoursEnd({ start: '12:00', end: '14:00' }, SH, at('2026-12-01T04:30:00Z')), at('2026-12-01T06:00:00Z'), 'a window that does not wrap');
  assert.equal(quietHoursEnd(null, SH, at('2026-12-01T14:30:00Z')), undefined);
});

test('held until the later of quiet hours and a daily-quota stop; the quota resets at local midnight', () => {
  const c = config({ quietHours: null });
  const now = at('2026-12-01T10:00:00Z'); // 18:00 Shanghai
  assert.equal(startOfNextDay(SH, now), at('2026-12-01T16:00:00Z'));
  assert.equal(heldUntil({ config: c, holdUntil: new Date(startOfNextDay(SH, now)).toISOString() }, SH, now), at('2026-12-01T16:00:00Z'));
  assert.equal(heldUntil({ config: c, holdUntil: '2026-12-01T09:00:00Z' }, SH, now), undefined, 'a hold in the past holds nothing');
  const quiet = config({ quietHours: { start: '22:00', end: '08:00' } });
  assert.equal(heldUntil({ config: quiet, holdUntil: '2026-12-01T16:00:00Z' }, SH, at('2026-12-01T15:00:00Z')), at('2026-12-02T00:00:00Z'));
});

test('planDelivery: unsubscribed, flagged, the 48-hour window with and without a fallback notice', () => {
  const now = at('2026-12-01T10:00:00Z');
  const b = (over: Partial<BroadcastInput>) => ({ id: 'b1', config: config(over) });
  const custom = b({ message: { channel: 'custom', text: 'hi' } });
  const inWindow = member({ lastMessageAt: '2026-11-30T12:00:00Z' });
  assert.deepEqual(planDelivery(custom, undefined, [], ctx(now)), { skip: 'no-member' });
  assert.deepEqual(planDelivery(custom, member({ subscribed: false, lastMessageAt: '2026-12-01T09:00:00Z' }), [], ctx(now)), { skip: 'unsubscribed' });
  assert.deepEqual(planDelivery(custom, member({ openidFlagged: true }), [], ctx(now)), { skip: 'flagged-openid' });
  assert.deepEqual(planDelivery(custom, inWindow, [], ctx(now)), { channel: 'custom' });
  assert.deepEqual(planDelivery(custom, member({ lastMessageAt: '2026-11-29T09:59:00Z' }), [], ctx(now)), { skip: 'outside-window' });
  assert.deepEqual(
    planDelivery(custom, member({ lastEventAt: '2026-12-01T09:59:30Z' }), [], ctx(now)),
    { channel: 'custom' },
    'a click opens a one-minute window',
  );
  const fallback = b({ message: { channel: 'custom', text: 'hi', outsideWindow: { templateId: 't', data: { thing1: 'x' } } } });
  assert.deepEqual(planDelivery(fallback, member(), [], ctx(now)), { channel: 'template' });
  assert.deepEqual(planDelivery(b({}), member(), [], ctx(now)), { channel: 'template' });
});

test('planDelivery: the frequency cap counts other broadcasts inside the window; the mass quota counts this local month', () => {
  const now = at('2026-12-01T10:00:00Z');
  const capped = { id: 'b9', config: config({ frequencyCap: { max: 2, days: 7 } }) };
  const touches = (...days: string[]): Touch[] => days.map((d, i) => ({ at: `${d}T10:00:00Z`, id: `b${i}` }));
  assert.deepEqual(planDelivery(capped, member(), touches('2026-11-30', '2026-11-28'), ctx(now)), { skip: 'frequency-cap' });
  assert.deepEqual(planDelivery(capped, member(), touches('2026-11-30', '2026-11-20'), ctx(now)), { channel: 'template' }, 'the older touch is outside 7 days');
  assert.deepEqual(
    planDelivery(
      capped,
      member(),
      [
        { at: '2026-11-30T10:00:00Z', id: 'b9' },
        { at: '2026-11-30T11:00:00Z', id: 'b9' },
      ],
      ctx(now),
    ),
    { channel: 'template' },
    'this broadcast itself does not count',
  );

  const mass = { id: 'm9', config: config({ message: { channel: 'mass', text: '新品上市' } }) };
  const massTouches = (...iso: string[]): Touch[] => iso.map((t, i) => ({ at: t, id: `m${i}`, mass: true }));
  const four = massTouches('2026-12-01T01:00:00Z', '2026-11-30T16:30:00Z', '2026-12-01T02:00:00Z', '2026-12-01T03:00:00Z');
  assert.deepEqual(planDelivery(mass, member(), four, ctx(now)), { skip: 'mass-quota' }, '00:30 on Dec 1 in Shanghai is December');
  const lastMonth = massTouches('2026-11-30T15:59:00Z', '2026-12-01T01:00:00Z', '2026-12-01T02:00:00Z', '2026-12-01T03:00:00Z');
  assert.deepEqual(planDelivery(mass, member(), lastMonth, ctx(now)), { channel: 'mass' }, '23:59 on Nov 30 in Shanghai is November');
});

test('template wording that reads like marketing is warned about, field by field', () => {
  assert.deepEqual(broadcastWarnings(config()), []);
  const w = broadcastWarnings(config({ message: { channel: 'template', templateId: 't', data: { thing1: '限时折扣，全场五折', thing2: '您的积分' } } }));
  assert.deepEqual(
    w.map((x) => x.path),
    ['message.data.thing1'],
  );
  assert.match(w[0]!.rule, /模板消息不得用于营销/);
  assert.equal(broadcastWarnings(config({ message: { channel: 'mass', text: '限时折扣' } })).length, 0, 'a mass send may advertise');
});

test('the schema refuses what it cannot send, naming the field', () => {
  const bad = (body: unknown) => broadcastSchema.safeParse(body);
  const r1 = bad({ message: { channel: 'mass', text: 'x', mediaId: 'y' }, segment: { tag: 'a' }, sendAt: 'now' });
  assert.equal(r1.success, false);
  const r2 = bad({ message: { channel: 'custom', text: 'x' }, segment: { tag: 'a' }, sendAt: 'tomorrow' });
  assert.deepEqual(
    r2.error?.issues.map((i) => i.path.join('.')),
    ['sendAt'],
  );
  const r3 = bad({ message: { channel: 'fax' }, segment: { tag: 'a' }, sendAt: 'now' });
  assert.deepEqual(
    r3.error?.issues.map((i) => i.path.join('.')),
    ['message.channel'],
  );
  assert.deepEqual(config().quietHours, { start: '22:00', end: '08:00' }, 'quiet hours default to 22:00–08:00');
});

test('chunks: every member once, one shard per chunk, at most CHUNK_SIZE members', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,28}$/), { maxLength: 300 }), (openids) => {
      const chunks = chunksOf(
        'b1',
        openids.map((openid) => ({ openid })),
      );
      const all = chunks.flatMap((c) => c.openids);
      assert.deepEqual([...all].sort(), [...openids].sort());
      for (const c of chunks) {
        assert.ok(c.openids.length >= 1 && c.openids.length <= CHUNK_SIZE);
        assert.ok(c.openids.every((o) => shardOf(o) === c.shard));
      }
    }),
  );
});
