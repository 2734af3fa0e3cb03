import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules } from '../lib/autoreply/engine';
import { systemClock } from '../lib/clock/clock';
import type { Action } from '../lib/conversation/actions';
import { dynamoDedupStore } from '../lib/conversation/dynamoDedupStore';
import type { Claim, DedupStore } from '../lib/conversation/dedupStore';
import { ANSWER_RESERVE_MS, respondToFollower, SORRY_REPLY, type ConversationPorts } from '../lib/conversation/respondToFollower';
import { deadlineAfter } from '../lib/deadline/deadline';
import { dynamoMemberStore } from '../lib/members/dynamoMemberStore';
import type { Table } from '../lib/store/dynamo';
import { dedupKey, toInboundMessage } from '../lib/wechat/message';
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

const SORRY_TEXT = (SORRY_REPLY as { content: string }).content;
const click = (openid: string, t = Math.floor(Date.now() / 1000)) => toInboundMessage(parseXml(eventXml(openid, 'CLICK', 'COUNT', t)).value);

/** The real store, watched: what each claim found and how often a delivery read the claim while waiting. */
function watched(store: DedupStore, onClaim: (claims: Claim['status'][]) => void = () => undefined) {
  const claims: Claim['status'][] = [];
  let reads = 0;
  const spy: DedupStore = {
    ...store,
    claim: async (k, nowMs) => {
      const c = await store.claim(k, nowMs);
      claims.push(c.status);
      onClaim(claims);
      return c;
    },
    read: async (k) => {
      reads += 1;
      return store.read(k);
    },
  };
  return { spy, claims, reads: () => reads };
}

test('concurrent deliveries of one push run the action once, and the retries wait for the first and answer with its reply', async () => {
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const base = ports(async () => {
    runs += 1;
    await gate; // keep the first delivery running until every retry has found its claim pending
    return { type: 'text', content: `run ${runs}` };
  });
  let allPending!: () => void;
  const retriesWaiting = new Promise<void>((r) => (allPending = r));
  const w = watched(base.dedup, (claims) => claims.filter((c) => c === 'pending').length === 7 && allPending());
  const p = { ...base, dedup: w.spy };
  const msg = click('o_dedup_crowd');
  const deliveries = Array.from({ length: 8 }, () => respondToFollower(msg, p, deadlineAfter(10_000)));
  await retriesWaiting;
  release();
  const results = await Promise.all(deliveries);
  assert.equal(runs, 1);
  assert.deepEqual(w.claims.sort(), ['claimed', ...Array(7).fill('pending')]);
  assert.equal(results.filter((r) => !r.replayed).length, 1);
  assert.ok(w.reads() >= 7, `each retry polled the first delivery's claim (${w.reads()} reads)`);
  const bodies = new Set(results.map((r) => r.xml));
  assert.equal(bodies.size, 1, 'every delivery answers with the first reply');
  assert.match([...bodies][0]!, /run 1/);
  assert.ok(results.every((r) => !r.degraded));
});

test('a retry whose first delivery is still running at its deadline apologises in time and runs nothing', async () => {
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const p = ports(async () => {
    runs += 1;
    await gate;
    return { type: 'text', content: 'finally' };
  });
  const msg = click('o_dedup_slow_first');
  const first = respondToFollower(msg, p, deadlineAfter(20_000));
  while (runs === 0) await new Promise((r) => setImmediate(r));
  const started = Date.now();
  const retry = await respondToFollower(msg, p, deadlineAfter(1200));
  const took = Date.now() - started;
  assert.ok(took < 1200, `answered within its deadline (${took} ms)`);
  assert.ok(took >= 1200 - ANSWER_RESERVE_MS - 200, `it waited for the first delivery until its deadline drew near (${took} ms)`);
  assert.equal(retry.degraded, 'deadline');
  assert.match(retry.xml, new RegExp(SORRY_TEXT));
  release();
  assert.match((await first).xml, /finally/);
  assert.equal(runs, 1, 'the retry ran nothing');
  assert.match((await respondToFollower(msg, p, deadlineAfter(4000))).xml, /finally/, 'a later retry gets the stored reply');
});

test('the same MsgId from two followers is two pushes', async () => {
  let runs = 0;
  const p = ports(async () => {
    runs += 1;
    return { type: 'text', content: 'ok' };
  });
  const t = Math.floor(Date.now() / 1000);
  await respondToFollower(click('o_dedup_a', t), p, deadlineAfter(4000));
  await respondToFollower(click('o_dedup_b', t), p, deadlineAfter(4000));
  assert.equal(runs, 2);
});

test('a failed first delivery apologises and releases its claim, so the retry runs', async () => {
  let runs = 0;
  const p = ports(async () => {
    runs += 1;
    if (runs === 1) throw Object.assign(new Error('Throughput exceeds the current capacity of your table'), { name: 'ProvisionedThroughputExceededException' });
    return { type: 'text', content: 'second time lucky' };
  });
  const msg = click('o_dedup_fail');
  const first = await respondToFollower(msg, p, deadlineAfter(4000));
  assert.equal(first.degraded, 'failed');
  assert.match(first.xml, new RegExp(SORRY_TEXT));
  assert.deepEqual(await dynamoDedupStore(table).read(dedupKey(msg)), { status: 'absent' }, 'the claim was given back');
  const retry = await respondToFollower(msg, p, deadlineAfter(4000));
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
