import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules } from '../lib/autoreply/engine';
import { systemClock } from '../lib/clock/clock';
import type { Action } from '../lib/conversation/actions';
import { dynamoDedupStore } from '../lib/conversation/dynamoDedupStore';
import { respondToFollower, type ConversationPorts } from '../lib/conversation/respondToFollower';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { Table } from '../lib/store/dynamo';
import { toInboundMessage } from '../lib/wechat/message';
import { parseXml } from '../lib/wechat/xml';
import { eventXml } from './support/pushes';
import { useTestTable } from './support/testTable';

let table: Table;
before(async () => {
  table = await useTestTable();
});

function ports(action: Action): ConversationPorts {
  return {
    dedup: dynamoDedupStore(table),
    members: dynamoMemberStore(table),
    rules: async () => compileRules([]),
    actions: new Map([['COUNT', action]]),
    clock: systemClock,
    timeZone: 'Asia/Shanghai',
  };
}

const click = (openid: string, t = Math.floor(Date.now() / 1000)) => toInboundMessage(parseXml(eventXml(openid, 'CLICK', 'COUNT', t)).value);

test('concurrent deliveries of one push run the action once and all get the same reply', async () => {
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const p = ports(async () => {
    runs += 1;
    await gate; // keep the first delivery running while the retries arrive
    return { type: 'text', content: `run ${runs}` };
  });
  const msg = click('o_dedup_crowd');
  const deliveries = Array.from({ length: 8 }, () => respondToFollower(msg, p));
  // Every retry has either claimed (only one can) or is now waiting on the stored claim.
  while (runs === 0) await new Promise((r) => setImmediate(r));
  release();
  const results = await Promise.all(deliveries);
  assert.equal(runs, 1);
  assert.equal(results.filter((r) => !r.replayed).length, 1);
  const bodies = new Set(results.map((r) => r.xml));
  assert.equal(bodies.size, 1, 'every delivery answers with the first reply');
  assert.match([...bodies][0]!, /run 1/);
});

test('the same MsgId from two followers is two pushes', async () => {
  let runs = 0;
  const p = ports(async () => ((runs += 1), { type: 'text', content: 'ok' }));
  const t = Math.floor(Date.now() / 1000);
  await respondToFollower(click('o_dedup_a', t), p);
  await respondToFollower(click('o_dedup_b', t), p);
  assert.equal(runs, 2);
});

test('a failed first delivery releases its claim, so the retry runs', async () => {
  let runs = 0;
  const p = ports(async () => {
    runs += 1;
    if (runs === 1) throw new Error('DynamoDB throttled');
    return { type: 'text', content: 'second time lucky' };
  });
  const msg = click('o_dedup_fail');
  await assert.rejects(respondToFollower(msg, p), /throttled/);
  const retry = await respondToFollower(msg, p);
  assert.equal(runs, 2);
  assert.match(retry.xml, /second time lucky/);
});

test('a claim left by a crashed delivery is taken over once its lease has passed', async () => {
  const dedup = dynamoDedupStore(table);
  const now = Date.now();
  assert.equal((await dedup.claim('crashed-key', now)).status, 'claimed');
  assert.equal((await dedup.claim('crashed-key', now + 1000)).status, 'pending');
  assert.equal((await dedup.claim('crashed-key', now + 60_000)).status, 'claimed');
  await dedup.complete('crashed-key', 'reply', now + 60_001);
  assert.deepEqual(await dedup.claim('crashed-key', now + 120_000), { status: 'done', reply: 'reply' });
});
