import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeRoundPorts } from '../lib/app/redpacket';
import { containerApp } from '../lib/app/containerApp';
import { localWallClock } from '../lib/coupons/validity';
import { businessDay } from '../lib/clock/timeZone';
import { dynamoCampaignStore } from '../lib/redpacket/campaignStore';
import { closeRound } from '../lib/redpacket/closeRound';
import { dynamoRoundStore } from '../lib/redpacket/dynamoRoundStore';
import { tendRounds } from '../lib/redpacket/tendRounds';
import type { Table } from '../lib/store/dynamo';
import type { Sandbox } from '../sandbox/server';
import { campaignBody, reportOnceClosed, scheduleCampaign } from './support/campaigns';
import { createTestQueue, lambdaPoller, type Poller, type TestQueue } from './support/localSqs';
import { startStack, type Stack } from './support/stack';

// Followers grab through the real protocol: sandbox follower → signed push → our callback → DynamoDB
// Local; the luckiest grabber is told through the sandbox's customer-service API.
let stack: Stack;
let sandbox: Sandbox;
let handlers: Stack['handlers'];
let table: Table;

let closeQueue: TestQueue;
let closer: Poller;

before(async () => {
  // Emptied rounds go to the round-close worker through a real queue, as deployed.
  closeQueue = await createTestQueue('round-close', { visibilityTimeoutSeconds: 5 });
  stack = await startStack({ env: { ROUND_CLOSE_QUEUE_URL: closeQueue.url } });
  ({ sandbox, handlers, table } = stack);
  closer = lambdaPoller(closeQueue.url, (await import('../handlers/redpacket-close')).handler);
  const t = await handlers.admin('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: 'free 红烧肉', validity: { type: 'days', days: 30 } });
  assert.equal(t.status, 201);
});
after(async () => {
  await closer?.stop();
  await stack?.close();
});

async function follower(openid: string) {
  const r = await fetch(`${sandbox.url}/sandbox/followers/${openid}/messages`, { method: 'POST', body: JSON.stringify({ type: 'event', event: 'subscribe' }) });
  assert.equal(r.status, 200);
}

type Attempt = { status: number; error?: string; reply?: { content?: string } | null };

async function say(openid: string, body: Record<string, unknown>): Promise<{ text: string; attempts?: Attempt[] }> {
  const r = await fetch(`${sandbox.url}/sandbox/followers/${openid}/messages`, { method: 'POST', body: JSON.stringify({ mode: 'aes', ...body }) });
  const json = (await r.json()) as { reply?: { content?: string }; attempts?: Attempt[]; error?: string };
  assert.equal(r.status, 200, JSON.stringify(json));
  return { text: json.reply?.content ?? '', attempts: json.attempts };
}

const liveCampaign = (over: Record<string, unknown>) => scheduleCampaign(handlers.admin, over);

test('keyword and menu grabs, a retried push, a second grab, and the luckiest grabber told with a prize valid to Sunday', async () => {
  const id = await liveCampaign({ round: { packets: 3, totalFen: 300, split: 'lucky', minFen: 10, maxFen: 200 } });
  const [a, b, c, d] = ['rp-a', 'rp-b', 'rp-c', 'rp-d'];
  for (const f of [a, b, c, d]) await follower(f);

  const first = await say(a, { type: 'text', content: '红包', deliveries: 3 });
  assert.match(first.text, /抢到 \d+\.\d\d 元，是第 1 位抢到的，还剩 2 个红包。已存入你的会员钱包/);
  // Three deliveries at once: one runs the grab, the other two wait for it and answer with its reply.
  assert.deepEqual(
    first.attempts!.map((x) => [x.status, x.error, x.reply?.content]),
    Array(3).fill([200, undefined, first.text]),
    'WeChat retrying the push gets the same answer',
  );
  assert.match((await say(a, { type: 'text', content: '红包' })).text, /你已经抢过这一轮的红包啦（\d+\.\d\d 元）/);
  assert.match((await say(b, { type: 'click', key: 'REDPACKET' })).text, /是第 2 位抢到的，还剩 1 个红包/);
  assert.match((await say(c, { type: 'text', content: ' 红包 ' })).text, /是第 3 位抢到的，红包已全部抢完/);
  assert.match((await say(d, { type: 'text', content: '红包' })).text, /手慢了/);

  // The last share handed the round to the closer: the luckiest grabber gets the coupon and a customer-service message.
  const report = await reportOnceClosed(handlers.admin, id);
  assert.equal(closer.delivered.length, 1, 'one hand-off to the round-close worker');
  const round = report.rounds[0];
  assert.equal(round.status, 'closed');
  assert.equal(round.winners.length, 3);
  assert.equal(round.grantedFen, 300);
  // No budget given: the round may spend its shares and the ¥15 prize, nothing more (no room for the 金卡 bonus).
  assert.deepEqual(report.budget, {
    ...report.budget,
    approvedFen: 1800,
    grantedFen: 300,
    bonusFen: 0,
    prizeFen: 1500,
    returnedFen: 0,
    remainingFen: 0,
    balanced: true,
    problems: [],
  });
  const best = round.winners.reduce((x: { amountFen: number }, y: { amountFen: number }) => (y.amountFen > x.amountFen ? y : x));
  assert.equal(round.bestLuck.amountFen, best.amountFen);
  assert.equal(round.prize.notifiedBy, 'custom');
  const inbox = (await (await fetch(`${sandbox.url}/sandbox/followers/${round.bestLuck.openid}/inbox`)).json()) as {
    entries: { channel: string; content?: string }[];
  };
  assert.ok(
    inbox.entries.some((e) => e.channel === 'custom' && e.content?.includes('手气最佳') && e.content.includes(round.prize.couponCode)),
    'told by a customer-service message',
  );
  const coupons = (await handlers.admin('GET', `/admin/members/${round.bestLuck.openid}/coupons`)).body.coupons;
  const prize = coupons.find((x: { code: string }) => x.code === round.prize.couponCode);
  const tz = campaignBody().schedule.timezone;
  const until = localWallClock(Date.parse(prize.validUntil), tz);
  assert.equal(new Date(`${until.slice(0, 10)}T00:00:00Z`).getUTCDay(), 0, 'valid until Sunday');
  assert.match(until, /T23:59:59\.999$/, "the end of Sunday in the campaign zone, not the template's 30 days");

  const wallet = (await handlers.admin('GET', `/admin/members/${a}/wallet`)).body;
  assert.equal(wallet.balanceFen, round.winners.find((w: { openid: string }) => w.openid === a).amountFen);
});

test('a closer that dies after telling the luckiest grabber: the next one finishes the round and does not tell them again', async () => {
  const id = await liveCampaign({ trigger: { keywords: ['午市红包'] }, round: { packets: 5, totalFen: 500, split: 'equal', minFen: 100, maxFen: 100 } });
  await follower('crash-a');
  assert.match((await say('crash-a', { type: 'text', content: '午市红包' })).text, /抢到 1\.00 元/);
  const rt = await containerApp();
  const day = (await handlers.admin('GET', `/admin/campaigns/${id}`)).body.config.schedule.from;
  let now = Date.parse((await closeRoundPorts(rt).rounds.get(id, day))!.snapshot.endsAt);
  const clock = { now: () => now };
  const ports = { ...closeRoundPorts(rt), clock, rounds: dynamoRoundStore(rt.table, clock) };
  // The first closer tells the winner, then dies before it records the round as closed.
  const dying = { ...ports, rounds: { ...ports.rounds, finishClose: async () => Promise.reject(new Error('the container was killed')) } };
  await assert.rejects(closeRound(dying, id, day), /killed/);
  const told = () => sandbox.state.inboxOf('crash-a').filter((e) => e.direction === 'in' && e.channel === 'custom' && e.content?.includes('手气最佳')).length;
  assert.equal(told(), 1);
  // Its lease runs out; the next closer finishes the job, and the notice is not sent twice.
  now += 61_000;
  const closed = await closeRound(ports, id, day);
  assert.equal(closed.status, 'closed');
  assert.equal(told(), 1, 'told once');
  const round = (await handlers.admin('GET', `/admin/campaigns/${id}/report`)).body.rounds[0];
  assert.equal(round.bestLuck.openid, 'crash-a');
  assert.match(round.prize.error, /told at most once/);
  assert.ok(round.prize.couponCode, 'the prize coupon is theirs either way');
  assert.deepEqual(round.returnedFen, 400);
});

test('a round that ends with shares left: the schedule closes it, the rest returns to the budget; edits never touch an open round', async () => {
  const id = await liveCampaign({
    trigger: { keywords: ['福利'] },
    round: { packets: 10, totalFen: 1000, split: 'equal', minFen: 100, maxFen: 100 },
    bestLuckPrize: undefined,
  });
  for (const f of ['ret-a', 'ret-b']) await follower(f);
  assert.match((await say('ret-a', { type: 'text', content: '福利' })).text, /抢到 1\.00 元/);
  const c = (await handlers.admin('GET', `/admin/campaigns/${id}`)).body;
  const edited = await handlers.admin('PUT', `/admin/campaigns/${id}`, {
    ...c.config,
    round: { packets: 5, totalFen: 5000, split: 'equal', minFen: 1000, maxFen: 1000 },
    version: c.version,
  });
  assert.equal(edited.status, 200);
  assert.match(
    (await say('ret-b', { type: 'text', content: '福利' })).text,
    /抢到 1\.00 元，是第 2 位抢到的，还剩 8 个/,
    'the open round keeps the shares it opened with',
  );

  const rt = await containerApp();
  const campaigns = await dynamoCampaignStore(table).list();
  const endsAt = Date.parse((await closeRoundPorts(rt).rounds.get(id, c.config.schedule.from))!.snapshot.endsAt);
  const tended = await tendRounds(
    closeRoundPorts(rt),
    campaigns.filter((x) => x.id === id),
    endsAt,
  );
  assert.deepEqual(tended.closed, [`${id}/${c.config.schedule.from}`]);
  assert.deepEqual(
    (
      await tendRounds(
        closeRoundPorts(rt),
        campaigns.filter((x) => x.id === id),
        endsAt + 60_000,
      )
    ).closed,
    [],
    'a rerun is a no-op',
  );

  const report = (await handlers.admin('GET', `/admin/campaigns/${id}/report`)).body;
  assert.equal(report.rounds[0].totalFen, 1000);
  assert.equal(report.rounds[0].returnedFen, 800);
  // The edit raised the day's budget to 5,000 fen, but the round had reserved 1,000 when it opened:
  // its 800 unclaimed fen and the 4,000 no round can spend any more (the only day is over) are returned.
  assert.deepEqual(report.rounds[0].budget, {
    ...report.rounds[0].budget,
    approvedFen: 1000,
    grantedFen: 200,
    returnedFen: 800,
    remainingFen: 0,
    balanced: true,
  });
  assert.deepEqual(report.budget, {
    ...report.budget,
    approvedFen: 5000,
    reservedFen: 1000,
    grantedFen: 200,
    returnedFen: 4800,
    remainingFen: 0,
    balanced: true,
  });
});

test('not eligible names the level; a paused campaign says so', async () => {
  const id = await liveCampaign({
    trigger: { keywords: ['金卡红包'] },
    eligibility: { segment: { level: { in: ['金卡', '钻石'] } }, perMemberPerRound: 1, perMemberPerDay: 1 },
  });
  await follower('plain-member');
  assert.match((await say('plain-member', { type: 'text', content: '金卡红包' })).text, /仅限 金卡、钻石 会员参加/);
  assert.equal((await handlers.admin('POST', `/admin/campaigns/${id}/pause`)).status, 200);
  assert.match((await say('plain-member', { type: 'text', content: '金卡红包' })).text, /暂停中/);
});

test("an erased member's shares stay in the round (the money adds up) but no longer name them", async () => {
  const id = await liveCampaign({ trigger: { keywords: ['隐私红包'] }, round: { packets: 2, totalFen: 200, split: 'equal', minFen: 10, maxFen: 200 } });
  await follower('rp-erase');
  const today = () =>
    handlers
      .admin('GET', '/admin/stats/daily', undefined, {
        query: { from: businessDay(Date.now(), 'Asia/Shanghai'), to: businessDay(Date.now(), 'Asia/Shanghai') },
      })
      .then((r) => r.body.days[0].redPacketSpendFen as number);
  const spentBefore = await today();
  assert.match((await say('rp-erase', { type: 'text', content: '隐私红包' })).text, /抢到 1\.00 元/);
  assert.equal((await today()) - spentBefore, 100, 'the daily numbers count the money won');
  const erased = await handlers.admin('DELETE', '/admin/members/rp-erase');
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  const report = (await handlers.admin('GET', `/admin/campaigns/${id}/report`)).body;
  const winners = report.rounds.flatMap((r: { winners: { openid: string; amountFen: number }[] }) => r.winners);
  assert.equal(winners.length, 1);
  assert.equal(winners[0].openid, `erased:${erased.body.erasureId}`, 'the pseudonym of this erasure, recorded only in its audit entry');
  assert.equal(winners[0].amountFen, 100);
  assert.equal(report.budget.balanced, true);
  assert.ok(!JSON.stringify(report).includes('rp-erase'), 'the report no longer holds the openid');
});
