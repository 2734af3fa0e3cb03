import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { businessDay } from '../lib/clock/timeZone';
import { toDayNumbers } from '../lib/stats/dailyStats';
import { dynamoStatsStore } from '../lib/stats/dynamoStatsStore';
import type { Table } from '../lib/store/dynamo';
import { eventXml, pushEvent, textXml } from './support/pushes';
import { useTestTable } from './support/testTable';

let table: Table;
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  table = await useTestTable();
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
});

async function today() {
  const day = businessDay(Date.now(), 'Asia/Shanghai');
  return toDayNumbers(day, (await dynamoStatsStore(table).read([day])).get(day));
}

test('daily numbers move as events happen: follows by source, unfollows, distinct actives, sign-ins, points', async () => {
  const before = await today();
  const t = Math.floor(Date.now() / 1000);
  // A crowd follows from one poster at the same moment: sharded counters take it.
  await Promise.all(Array.from({ length: 40 }, (_, i) => handleWeChat(pushEvent(eventXml(`o_stats_${i}`, 'subscribe', 'qrscene_poster', t)))));
  await handleWeChat(pushEvent(eventXml('o_stats_x', 'subscribe', '', t)));
  // The same follower talking three times is one active member.
  for (let i = 0; i < 3; i++) await handleWeChat(pushEvent(textXml('o_stats_0', `hello ${i}`)));
  await handleWeChat(pushEvent(eventXml('o_stats_1', 'CLICK', 'SIGN_IN', t + 1)));
  await handleWeChat(pushEvent(eventXml('o_stats_1', 'CLICK', 'SIGN_IN', t + 2))); // already signed in: not counted
  await handleWeChat(pushEvent(eventXml('o_stats_2', 'unsubscribe', '', t + 3)));
  const after = await today();
  assert.equal(after.newFollowers - before.newFollowers, 41);
  assert.equal((after.newFollowersBySource.poster ?? 0) - (before.newFollowersBySource.poster ?? 0), 40);
  assert.equal(after.unfollows - before.unfollows, 1);
  assert.equal(after.activeMembers - before.activeMembers, 41);
  assert.equal(after.signIns - before.signIns, 1);
  assert.equal(after.pointsIssued - before.pointsIssued, 10);
  assert.equal(after.netGrowth - before.netGrowth, 40);
});
