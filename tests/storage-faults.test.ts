import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SORRY_REPLY } from '../lib/conversation/respondToFollower';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { dynamoCampaignStore } from '../lib/redpacket/campaignStore';
import { roundKey } from '../lib/table';
import { planRound } from '../lib/redpacket/round';
import { roundAt } from '../lib/redpacket/roundSchedule';
import type { Table } from '../lib/store/dynamo';
import { SERVICE_UNAVAILABLE } from '../sandbox/follower-routes';
import type { Sandbox } from '../sandbox/server';
import { reportOnceClosed, scheduleCampaign } from './support/campaigns';
import { startDynamoFaultProxy, type DynamoFaultProxy } from './support/dynamoFaultProxy';
import { createTestQueue, lambdaPoller, type Poller, type TestQueue } from './support/localSqs';
import { rule } from './support/rules';
import { startStack, type Stack } from './support/stack';
import { dynamoEndpoint } from './support/testTable';

// The follower's side of storage failures: pushes go sandbox follower → signed push → our callback
// → a fault-injecting proxy → DynamoDB Local, so the real SDK's timeouts, retries and aborts meet a
// paused, slow, throttling, failing or vanished DynamoDB. WeChat (the sandbox) gives up after 5 s
// and shows 该公众号暂时无法提供服务; the follower must always get a reply or silence instead, and with
// storage back nothing may be lost or doubled.
let proxy: DynamoFaultProxy;
let stack: Stack;
let sandbox: Sandbox;
let admin: Stack['handlers']['admin'];
let table: Table;
let closeQueue: TestQueue;
let closer: Poller;

const HOURS = '营业时间：每天 10:00–22:00';
const SORRY = (SORRY_REPLY as { content: string }).content;
/** The callback answers by 4 s; WeChat waits 5 s. */
const ANSWER_BY_MS = 4500;

before(async () => {
  proxy = await startDynamoFaultProxy(dynamoEndpoint());
  closeQueue = await createTestQueue('round-close', { visibilityTimeoutSeconds: 5 });
  stack = await startStack({ env: { DYNAMODB_ENDPOINT: proxy.url, ROUND_CLOSE_QUEUE_URL: closeQueue.url } });
  ({ sandbox, table } = stack);
  admin = stack.handlers.admin;
  const rules = dynamoRuleStore(table);
  await rules.put(rule('hours', { match: { type: 'exact', pattern: '营业时间' }, reply: { type: 'text', content: HOURS } }));
  await rules.put(rule('signin', { match: { type: 'exact', pattern: '签到' }, reply: { type: 'action', action: 'SIGN_IN' } }));
  assert.equal(
    (await admin('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: 'free 红烧肉', validity: { type: 'days', days: 30 } })).status,
    201,
  );
  const { handler } = await import('../handlers/redpacket-close');
  closer = lambdaPoller(closeQueue.url, handler);
});
afterEach(async () => {
  proxy.clear();
  await proxy.up();
  await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' });
});
after(async () => {
  await closer?.stop();
  await stack?.close();
  await proxy?.close();
});

interface Seen {
  /** The sandbox's report: the callback's HTTP status (0 when it never answered) and any error WeChat would show. */
  status: number;
  error?: string;
  text?: string;
  ms: number;
  attempts?: { status: number; error?: string; reply?: { content?: string } | null }[];
}

/** The follower does something on the phone; what WeChat showed them, and how long it took. */
async function chat(openid: string, body: Record<string, unknown>): Promise<Seen> {
  const started = Date.now();
  const r = await fetch(`${sandbox.url}/sandbox/followers/${openid}/messages`, { method: 'POST', body: JSON.stringify({ mode: 'aes', ...body }) });
  const json = (await r.json()) as { status: number; error?: string; reply?: { content?: string } | null; attempts?: Seen['attempts'] };
  assert.equal(r.status, 200, JSON.stringify(json));
  return { status: json.status, error: json.error, text: json.reply?.content, ms: Date.now() - started, attempts: json.attempts };
}

const say = (openid: string, content: string, extra: Record<string, unknown> = {}) => chat(openid, { type: 'text', content, ...extra });

/** A reply or silence, in time: never WeChat's error notice, never a 5xx. */
function answered(seen: Seen, what: string): void {
  assert.equal(seen.error, undefined, `${what}: the follower saw WeChat's error notice (${seen.error})`);
  assert.equal(seen.status, 200, `${what}: HTTP ${seen.status}`);
  assert.ok(seen.ms < ANSWER_BY_MS, `${what}: answered after ${seen.ms} ms`);
  for (const a of seen.attempts ?? []) {
    assert.equal(a.error, undefined, `${what}: a retry got WeChat's error notice (${a.error})`);
    assert.equal(a.status, 200);
  }
}

async function follow(openid: string): Promise<void> {
  const seen = await chat(openid, { type: 'event', event: 'subscribe' });
  answered(seen, 'subscribe');
}

function noticesOf(openid: string): number {
  return sandbox.state.inboxOf(openid).filter((e) => e.content === SERVICE_UNAVAILABLE).length;
}

async function ledgerOf(openid: string): Promise<{ balance: number; kinds: string[] }> {
  const r = await admin('GET', `/admin/members/${openid}/points`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { balance: r.body.balance, kinds: r.body.ledger.map((e: { kind: string }) => e.kind) };
}

async function itemsOf(openid: string, prefix: string): Promise<Record<string, unknown>[]> {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':p': prefix },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

test('DynamoDB paused mid-chat (every request hangs): 营业时间 gets the apology in time; with DynamoDB back, the answer', async () => {
  await follow('f-paused');
  proxy.inject({ kind: 'hang' });
  const paused = await say('f-paused', '营业时间');
  answered(paused, 'paused');
  assert.equal(paused.text, SORRY);
  assert.ok(paused.ms > 3000, `it waited for DynamoDB until the deadline drew near (${paused.ms} ms)`);
  proxy.clear();
  const back = await say('f-paused', '营业时间');
  answered(back, 'back');
  assert.equal(back.text, HOURS);
  assert.equal(noticesOf('f-paused'), 0);
});

test('one request that hangs: its attempt is given up after 1 s and the retry brings the answer', async () => {
  await follow('f-one-hang');
  const before = proxy.requests.length;
  proxy.inject({ kind: 'hang', operations: ['PutItem'], bodyIncludes: 'DEDUP#', times: 1 });
  const seen = await say('f-one-hang', '营业时间');
  answered(seen, 'one hanging request');
  assert.equal(seen.text, HOURS);
  assert.ok(seen.ms >= 1000 && seen.ms < 3000, `one attempt timed out, the next went through (${seen.ms} ms)`);
  assert.deepEqual(proxy.requestsWith('DEDUP#', before).slice(0, 2), [{ operation: 'PutItem', fault: 'hang' }, { operation: 'PutItem' }]);
});

test('DynamoDB gone (connections refused): the apology at once; then the answer', async () => {
  await follow('f-gone');
  await proxy.down();
  const gone = await say('f-gone', '营业时间');
  answered(gone, 'gone');
  assert.equal(gone.text, SORRY);
  assert.ok(gone.ms < 2000, `no waiting on a refused connection (${gone.ms} ms)`);
  await proxy.up();
  assert.equal((await say('f-gone', '营业时间')).text, HOURS);
  assert.equal(noticesOf('f-gone'), 0);
});

test('two ProvisionedThroughputExceeded answers: the SDK retries carry the push through', async () => {
  await follow('f-throttled-twice');
  const before = proxy.requests.length;
  proxy.inject({ kind: 'provisioned', bodyIncludes: 'DEDUP#', times: 2 });
  const seen = await say('f-throttled-twice', '营业时间');
  answered(seen, 'throttled twice');
  assert.equal(seen.text, HOURS);
  const log = proxy.requestsWith('DEDUP#', before);
  assert.deepEqual(
    log.slice(0, 3),
    [{ operation: 'PutItem', fault: 'provisioned' }, { operation: 'PutItem', fault: 'provisioned' }, { operation: 'PutItem' }],
    'the claim was retried until it went through',
  );
});

test('throttled for good (ThrottlingException), 500s, dropped connections: the apology after the SDK gave up, well before the deadline', async () => {
  await follow('f-failing');
  for (const kind of ['throttle', 'error500', 'drop'] as const) {
    const before = proxy.requests.length;
    proxy.inject({ kind });
    const seen = await say('f-failing', '营业时间');
    answered(seen, kind);
    assert.equal(seen.text, SORRY, kind);
    // The dedup claim's attempts (the replay record's own put, before it, fails open on its own).
    const claims = proxy.requestsWith('DEDUP#', before).filter((r) => r.operation === 'PutItem');
    assert.equal(claims.length, 3, `${kind}: the claim was tried three times (the SDK's attempts)`);
    assert.ok(claims.every((r) => r.fault === kind));
    proxy.clear();
  }
  assert.equal((await say('f-failing', '营业时间')).text, HOURS);
  assert.equal(noticesOf('f-failing'), 0);
});

test('a slow DynamoDB: 200 ms a request still gets the answer; 2.5 s a request gets the apology by the deadline', async () => {
  await follow('f-slow');
  proxy.inject({ kind: 'delay', delayMs: 200 });
  const slow = await say('f-slow', '营业时间');
  answered(slow, 'slow');
  assert.equal(slow.text, HOURS);
  proxy.clear();
  proxy.inject({ kind: 'delay', delayMs: 2500 });
  const slower = await say('f-slow', '营业时间');
  answered(slower, 'very slow');
  assert.equal(slower.text, SORRY);
  assert.equal(noticesOf('f-slow'), 0);
});

test('a dedup claim whose answer was lost: the SDK retry finds the claim is its own, and the push is answered', async () => {
  await follow('f-lost-claim');
  proxy.inject({ kind: 'lose-answer', operations: ['PutItem'], bodyIncludes: 'DEDUP#', times: 1 });
  const seen = await say('f-lost-claim', '营业时间');
  answered(seen, 'lost claim answer');
  assert.equal(seen.text, HOURS, "not an apology: the claim that landed is this delivery's own");
  assert.ok(proxy.requests.some((r) => r.fault === 'lose-answer'));
});

test('a sign-in that landed after the deadline: the apology, then "already signed in"; one ledger entry, points once', async () => {
  await follow('f-signin-late');
  // The ledger's transaction reaches DynamoDB at once, and so does the SDK's retry after its request
  // timeout (the same ClientRequestToken, so it is applied once); both answers come after WeChat gave up.
  proxy.inject({ kind: 'slow-answer', operations: ['TransactWriteItems'], bodyIncludes: 'signin:', delayMs: 6000 });
  const late = await say('f-signin-late', '签到');
  answered(late, 'late sign-in');
  assert.equal(late.text, SORRY);
  proxy.clear();
  const again = await say('f-signin-late', '签到');
  answered(again, 'sign-in again');
  assert.match(again.text!, /今天已经签到过啦/);
  assert.deepEqual(await ledgerOf('f-signin-late'), { balance: 10, kinds: ['signin'] });
});

test('a sign-in whose answer was lost, with WeChat retrying the push: one sign-in, every delivery answered', async () => {
  await follow('f-signin-lost');
  proxy.inject({ kind: 'lose-answer', operations: ['TransactWriteItems'], bodyIncludes: 'signin:', times: 1 });
  const seen = await say('f-signin-lost', '签到', { deliveries: 3 });
  answered(seen, 'lost sign-in answer');
  const texts = new Set(seen.attempts!.map((a) => a.reply?.content));
  assert.equal(texts.size, 1, `every delivery got the same answer: ${[...texts].join(' | ')}`);
  assert.match([...texts][0]!, /签到成功！\+10 积分|今天已经签到过啦/);
  assert.deepEqual(await ledgerOf('f-signin-lost'), { balance: 10, kinds: ['signin'] });
  assert.match((await say('f-signin-lost', '签到')).text!, /今天已经签到过啦.*\n当前积分：10/s);
});

test('WeChat retrying while DynamoDB is slow: the retries wait for the first delivery and get its answer; the sign-in counts once', async () => {
  await follow('f-retrying');
  proxy.inject({ kind: 'delay', delayMs: 150 });
  const seen = await say('f-retrying', '签到', { deliveries: 3 });
  answered(seen, 'retried');
  assert.deepEqual(
    seen.attempts!.map((a) => a.reply?.content?.split('\n')[0]),
    ['签到成功！+10 积分', '签到成功！+10 积分', '签到成功！+10 积分'],
  );
  proxy.clear();
  assert.deepEqual(await ledgerOf('f-retrying'), { balance: 10, kinds: ['signin'] });
});

test('a grab whose transaction landed after the deadline: the apology, then "already grabbed" with the amount; the wallet is credited once', async () => {
  const id = await scheduleCampaign(admin, {
    trigger: { keywords: ['慢红包'] },
    round: { packets: 3, totalFen: 300, split: 'equal', minFen: 100, maxFen: 100 },
    bestLuckPrize: undefined,
  });
  await follow('f-grab-late');
  proxy.inject({ kind: 'slow-answer', operations: ['TransactWriteItems'], bodyIncludes: 'RPGRAB#', delayMs: 6000 });
  const late = await say('f-grab-late', '慢红包');
  answered(late, 'late grab');
  assert.equal(late.text, SORRY);
  proxy.clear();
  const again = await say('f-grab-late', '慢红包');
  answered(again, 'grab again');
  assert.match(again.text!, /你已经抢过这一轮的红包啦（1\.00 元）/);
  const wallet = (await admin('GET', '/admin/members/f-grab-late/wallet')).body;
  assert.equal(wallet.balanceFen, 100, 'credited once');
  assert.equal((await itemsOf('f-grab-late', 'RPGRAB#')).length, 1, 'one grab');
  const round = (await admin('GET', `/admin/campaigns/${id}/report`)).body.rounds[0];
  assert.equal(round.winners.length, 1);
  assert.equal(round.grantedFen, 100);
});

test('a round another grab is still laying out: the grab says busy by the deadline instead of waiting ~9 s', async () => {
  const id = await scheduleCampaign(admin, {
    trigger: { keywords: ['开场红包'] },
    round: { packets: 3, totalFen: 300, split: 'equal', minFen: 100, maxFen: 100 },
    bestLuckPrize: undefined,
  });
  await follow('f-opening');
  const campaign = (await dynamoCampaignStore(table).get(id))!;
  const at = roundAt(campaign.config.schedule, Date.now());
  assert.equal(at.state, 'open');
  const day = (at as { roundId: string }).roundId;
  // Another opener holds the round's lease and is still writing its shares.
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        ...roundKey(id, day),
        snapshot: planRound(campaign, day),
        status: 'opening',
        openLeaseUntil: Date.now() + 60_000,
        openedAt: new Date().toISOString(),
      },
    }),
  );
  const seen = await say('f-opening', '开场红包');
  answered(seen, 'round opening');
  assert.match(seen.text!, /抢红包的人太多啦/);
  assert.equal((await itemsOf('f-opening', 'RPGRAB#')).length, 0);
});

test('the last grab answers at once while the round closes off the reply path (WeChat API hanging); one prize coupon even when the closer loses an answer', async () => {
  const id = await scheduleCampaign(admin, {
    trigger: { keywords: ['收尾红包'] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
  });
  for (const f of ['f-last-a', 'f-last-b']) await follow(f);
  assert.match((await say('f-last-a', '收尾红包')).text!, /抢到 1\.00 元/);
  // Telling the luckiest grabber would hang for WeChat's whole timeout, and the prize coupon's write loses its answer once.
  const fault = await fetch(`${sandbox.url}/sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ path: '/cgi-bin/message/custom/send', kind: 'timeout', count: 5 }),
  });
  assert.equal(fault.status, 200);
  proxy.inject({ kind: 'lose-answer', operations: ['TransactWriteItems'], bodyIncludes: 'COUPON#', times: 1 });
  const last = await say('f-last-b', '收尾红包');
  answered(last, 'last grab');
  assert.match(last.text!, /红包已全部抢完/);
  assert.ok(last.ms < 2000, `the reply did not wait for the closing (${last.ms} ms)`);

  const round = (await reportOnceClosed(admin, id)).rounds[0];
  assert.ok(
    closer.delivered.some((r) => r.body === JSON.stringify({ campaignId: id, day: round.date })),
    'closed by the round-close worker',
  );
  const best = round.bestLuck.openid as string;
  const coupons = (await admin('GET', `/admin/members/${best}/coupons`)).body.coupons as { code: string }[];
  assert.equal(coupons.length, 1, 'one prize coupon');
  assert.equal(coupons[0]!.code, round.prize.couponCode);
  assert.equal((await admin('GET', `/admin/members/${best}/wallet`)).body.balanceFen, 100);
});

test("nobody saw WeChat's error notice", () => {
  const everyone = [...sandbox.state.followers.keys()];
  assert.ok(everyone.length >= 10);
  assert.deepEqual(
    everyone.filter((f) => noticesOf(f) > 0),
    [],
  );
});
