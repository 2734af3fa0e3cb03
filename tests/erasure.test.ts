import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { payClient, payoutPorts } from '../lib/app/payouts';
import { closeRoundPorts } from '../lib/app/redpacket';
import { reengagePorts } from '../lib/app/reengage';
import { containerApp } from '../lib/app/containerApp';
import type { App } from '../lib/app/createApp';
import { createImportJob } from '../lib/import/importJobs';
import { CANCELLED_PAYOUTS, payoutKey } from '../lib/table';
import { eraseMember, type EraseResult } from '../lib/privacy/eraseMember';
import { familyOf, OUTSIDE_FAMILIES } from '../lib/privacy/memberData';
import { closeRound } from '../lib/redpacket/closeRound';
import { runReengagement } from '../lib/reengage/runReengagement';
import { reconcilePayouts } from '../lib/payouts/processPayout';
import type { Table } from '../lib/store/dynamo';
import type { Sandbox } from '../sandbox/server';
import { drained } from './support/localAws';
import { scheduleCampaign } from './support/campaigns';
import { faultyTable } from './support/faultyTable';
import { waitFor } from './support/localSqs';
import { startPayStack, type PayStack } from './support/payStack';

// Erasure against everything a member can leave in the table: a member who was imported (phone,
// unionid, name), followed, chatted, signed in, earned points and a level, held coupons, grabbed
// red packets in wallet and transfer mode, withdrew, received a broadcast template notice and a
// re-engagement notice, and is named in an import job still to run. The real handlers, the sandbox
// as WeChat and WeChat Pay, DynamoDB Local; then a scan of the whole table.
let stack: PayStack;
let sandbox: Sandbox;
let table: Table;
let admin: PayStack['handlers']['admin'];
let post: PayStack['post'];
let rt: App;

before(async () => {
  // Imports of more than one row run as jobs (in this process), as big files do.
  stack = await startPayStack({ IMPORT_SYNC_MAX_ROWS: '1' });
  ({ sandbox, table, post } = stack);
  admin = stack.handlers.admin;
  rt = await containerApp();
  const ok = async (r: Promise<{ status: number; body: unknown }>) => assert.ok([200, 201].includes((await r).status), JSON.stringify((await r).body));
  await ok(
    admin('POST', '/admin/autoreply-rules', {
      id: 'hello',
      match: { type: 'exact', pattern: '你好' },
      reply: { type: 'text', content: '你好 {nickname}，你有 {points} 积分' },
    }),
  );
  await ok(admin('POST', '/admin/coupon-templates', { id: 'gift', title: '免费奶茶', validity: { type: 'days', days: 30 } }));
  await ok(admin('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: '免费红烧肉', validity: { type: 'days', days: 7 } }));
});
after(() => stack?.close());

interface Person {
  openid: string;
  unionid: string;
  /** The phone the member was first imported with, replaced by a later import. */
  firstPhone: string;
  phone: string;
  name: string;
  nickname: string;
}

const person = (tag: string, n: number): Person => ({
  openid: `o_erase_${tag}`,
  unionid: `u_erase_${tag}`,
  firstPhone: `1381234${String(n).padStart(4, '0')}`,
  phone: `1391234${String(n).padStart(4, '0')}`,
  name: `导入姓名${tag}`,
  nickname: `昵称${tag}`,
});
const identifiers = (p: Person) => [p.openid, p.unionid, p.firstPhone, p.phone, p.name, p.nickname];

async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
const mentions = (item: Record<string, unknown>, words: readonly string[]) => {
  const text = JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v] : v));
  return words.some((w) => text.includes(w));
};
const keyOf = (i: Record<string, unknown>) => ({ pk: String(i.pk), sk: String(i.sk) });
const get = async (pk: string, sk: string) => (await table.doc.send(new GetCommand({ TableName: table.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
const say = (openid: string, body: Record<string, unknown>) => post(`/sandbox/followers/${openid}/messages`, body);
async function call(method: string, path: string, body?: unknown, expect: number[] = [200, 201]) {
  const r = await admin(method, path, body);
  assert.ok(expect.includes(r.status), `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every job report the sandbox queued has reached the callback (or failed): nothing more is on its way. */
async function jobReportsSettled() {
  await waitFor(
    async () => {
      const { events } = (await (await fetch(`${sandbox.url}/sandbox/job-events`)).json()) as { events: { delivery: string }[] };
      const open = events.filter((e) => e.delivery !== 'delivered' && e.delivery !== 'failed').length;
      return open === 0 ? true : `${open} job reports on their way`;
    },
    { what: 'job reports' },
  );
}

const ELIGIBILITY = { segment: { all: [{ subscribed: true }] }, perMemberPerRound: 1, perMemberPerDay: 10 };

/** A grab, and the payout worker's step on its order (off the queue). */
async function grabIn(campaign: { id: string; keyword: string }, openid: string) {
  const said = await say(openid, { type: 'text', content: campaign.keyword });
  assert.match((said.reply as { content: string }).content, /抢到/);
  await drained();
}

/** The round's close (best luck, prize coupon and notice), whether or not the last grab already closed it. */
async function closeToday(campaign: { id: string }) {
  const day = (await call('GET', `/admin/campaigns/${campaign.id}`)).config.schedule.from;
  await closeRound(closeRoundPorts(rt), campaign.id, day);
}

/** Everything a member can do or have done to them, through the product's own entry points. */
async function exercise(p: Person, bystander: string, tag: string): Promise<{ jobId: string }> {
  // Imported before following: a prospect with phone, unionid and name.
  await call('POST', '/admin/members/import', {
    rows: [{ unionid: p.unionid, phone: p.firstPhone, name: p.name, lifetimeSpendFen: 30000, channel: 'online-shop', externalId: `shop-${tag}` }],
  });
  sandbox.state.follower(p.openid, false).unionid = p.unionid;
  await say(p.openid, { type: 'event', event: 'subscribe' });
  const { handler: linkProspects } = await import('../handlers/link-prospects');
  assert.equal((await linkProspects({})).outcomes.linked, 1, 'the prospect merged into the follower');
  // The shop knows another phone of theirs: a prospect of its own first, then tied to the unionid
  // (the member's phone moves on; the prospect keeps the phone and its lookup).
  await call('POST', '/admin/members/import', { rows: [{ phone: p.phone, channel: 'offline-store', lifetimeSpendFen: 100 }] });
  await call('POST', '/admin/members/import', { rows: [{ unionid: p.unionid, phone: p.phone, channel: 'online-shop', lifetimeSpendFen: 30000 }] });
  assert.equal((await call('GET', `/admin/members/${p.openid}`)).phone, p.phone);

  await say(bystander, { type: 'event', event: 'subscribe' });
  await call('PUT', `/admin/members/${p.openid}/attributes`, { nickname: p.nickname });
  await call('PUT', `/admin/members/${p.openid}/tags`, { add: [tag] });
  assert.match(((await say(p.openid, { type: 'text', content: '你好' })).reply as { content: string }).content, new RegExp(p.nickname));
  await say(p.openid, { type: 'click', key: 'SIGN_IN' });
  await call('POST', `/admin/members/${p.openid}/points`, { delta: 600, reason: '到店消费', idempotencyKey: `order-${tag}` });
  // An import job that ran to the end: its rows are kept nowhere but in the members.
  const ran = await call(
    'POST',
    '/admin/members/import',
    {
      rows: [
        { phone: p.phone, channel: 'website', lifetimeSpendFen: 800 },
        { phone: '13700000001', channel: 'website' },
      ],
    },
    [202],
  );
  await waitFor(async () => ((await call('GET', `/admin/members/import/${ran.jobId}`)).state === 'done' ? true : 'running'), { what: 'the import job' });
  await call('POST', `/admin/members/${p.openid}/coupons`, { templateId: 'gift', idempotencyKey: `gift-${tag}` });

  // Wallet mode: one packet, so the member is the round's best luck (prize coupon and notice); then a withdrawal.
  const wallet = { keyword: `钱包${tag}`, id: '' };
  wallet.id = await scheduleCampaign(admin, {
    trigger: { keywords: [wallet.keyword] },
    round: { packets: 1, totalFen: 300, split: 'equal', minFen: 300, maxFen: 300 },
    payout: { mode: 'wallet' },
    eligibility: ELIGIBILITY,
  });
  await grabIn(wallet, p.openid);
  await closeToday(wallet);
  await call('POST', `/admin/members/${p.openid}/wallet/withdraw`, { idempotencyKey: `wd-${tag}` });

  // Transfer mode: WeChat Pay fails the member's bill once (the order stays pending); the bystander's goes through.
  const transfer = { keyword: `转账${tag}`, id: '' };
  transfer.id = await scheduleCampaign(admin, {
    trigger: { keywords: [transfer.keyword] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'transfer' },
    bestLuckPrize: undefined,
    eligibility: ELIGIBILITY,
  });
  await post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'SYSTEM_ERROR', times: 1 });
  await grabIn(transfer, p.openid);
  await grabIn(transfer, bystander);
  await closeToday(transfer);

  // A broadcast template notice to the member's tag, and a re-engagement notice for the level change.
  const b = await call('POST', '/admin/broadcasts', {
    message: { channel: 'template', templateId: 'service-notice', data: { thing1: '会员日' } },
    segment: { tag },
    sendAt: 'now',
    quietHours: null,
  });
  const { handler: handleDispatch } = await import('../handlers/broadcast-dispatch');
  await handleDispatch({});
  await drained();
  assert.deepEqual((await call('GET', `/admin/broadcasts/${b.id}`)).progress.sentBy, { template: 1 });
  // Last seen days ago (outside the 48-hour window): the re-engagement notice goes as a template
  // notice, whose job report is about no broadcast and waits (as an early report) in the member's partition.
  await table.doc.send(
    new UpdateCommand({
      TableName: table.name,
      Key: { pk: `MEMBER#${p.openid}`, sk: 'PROFILE' },
      UpdateExpression: 'SET lastMessageAt = :t, lastEventAt = :t',
      ExpressionAttributeValues: { ':t': new Date(Date.now() - 3 * 86_400_000).toISOString() },
    }),
  );
  await call('PUT', '/admin/reengagement-rules', {
    rules: [
      {
        id: `level-${tag}`,
        name: '升级',
        runAt: '00:00',
        trigger: { type: 'levelChanged' },
        notice: { text: '恭喜升级', template: { templateId: 'service-notice', data: { thing1: '升级' } } },
      },
    ],
  });
  await runReengagement({ ...reengagePorts(rt), clock: { now: () => Date.now() } }, 30_000);

  // Followed again (a link note waits for the linker), and named in an import job not run yet.
  await say(p.openid, { type: 'event', event: 'unsubscribe' });
  await say(p.openid, { type: 'event', event: 'subscribe' });
  const job = await createImportJob(
    table,
    [
      { row: 1, phone: p.phone, channel: 'offline-store', spendFen: 5000 },
      { row: 2, phone: '13700000000', channel: 'offline-store' },
    ],
    [],
    Date.now(),
  );
  await jobReportsSettled();
  return { jobId: job.jobId };
}

test('every item that names a member belongs to a registered family, the export shows them all, and after erasure the openid, unionid and phone appear nowhere', async () => {
  const p = person('full', 1);
  const bystander = 'o_erase_bystander';
  const { jobId } = await exercise(p, bystander, 'full');

  const before = await scanAll();
  const naming = before.filter((i) => mentions(i, identifiers(p)));
  const unregistered = [...naming, ...before.filter((i) => mentions(i, [bystander]))].filter((i) => !familyOf(keyOf(i))).map((i) => `${i.pk} / ${i.sk}`);
  assert.deepEqual(unregistered, [], 'items naming a member that no family in lib/privacy/memberData.ts covers');
  const families = new Set(naming.map((i) => familyOf(keyOf(i))!.name));
  for (const f of [
    'profile',
    'ledger',
    'idem',
    'expiry',
    'level',
    'notice',
    'tag',
    'coupon',
    'wallet',
    'rpround',
    'rpgrab',
    'active',
    'touch',
    'early',
    'dedup',
    'reengaged',
    ...OUTSIDE_FAMILIES.map((o) => o.name),
  ]) {
    assert.ok(families.has(f), `the scenario leaves ${f} items naming the member (seen: ${[...families].join(', ')})`);
  }

  // The export holds every family erasure will delete or anonymise.
  const exported = await call('GET', `/admin/members/${p.openid}/export`);
  for (const f of families) assert.ok(f === 'profile' ? exported.profile : exported[f]?.length > 0, `the export has ${f}`);
  assert.deepEqual([exported.profile.phone, exported.profile.unionid, exported.profile.name], [p.phone, p.unionid, p.name]);
  assert.equal(exported.couponsHeld.length, 2, 'the gift and the best-luck prize');
  assert.equal(exported.redPacketShares.length, 2);
  assert.deepEqual(exported.payouts.map((o: { state: string }) => o.state).sort(), ['awaiting-confirmation', 'pending']);
  assert.ok(
    exported.dedup.some((d: { reply?: string }) => d.reply?.includes(p.nickname)),
    'a stored reply quoting the nickname',
  );
  assert.deepEqual(
    exported.pendingImportRows.map((r: { phone: string }) => r.phone),
    [p.phone],
  );
  assert.equal(exported.prospects[0].phone, p.phone);

  const erased = await admin('DELETE', `/admin/members/${p.openid}`);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(erased.body.status, 'erased');
  const pseudonym = `erased:${erased.body.erasureId}`;

  const after = await scanAll();
  assert.deepEqual(
    after.filter((i) => mentions(i, identifiers(p))).map((i) => `${i.pk} / ${i.sk}`),
    [],
    'nothing names the erased member',
  );
  assert.ok(
    after.filter((i) => mentions(i, [bystander])).length >= naming.filter((i) => familyOf(keyOf(i))?.name === 'redPacketShares').length,
    'the bystander keeps their items',
  );
  const bystanderShares = after.filter((i) => String(i.sk).startsWith('TAKEN#') && i.openid === bystander);
  assert.equal(bystanderShares.length, 1, "the bystander's share still names them");

  // What stays for the shop's accounts, under a pseudonym that leads only to the audit entry.
  // (best luck twice: alone in the wallet round, first of two equal shares in the transfer round)
  const anonymised = after.filter((i) => mentions(i, [pseudonym]));
  assert.deepEqual(
    anonymised.map((i) => familyOf(keyOf(i))?.name ?? String(i.pk)).sort(),
    ['AUDIT#ERASURE', 'couponsHeld', 'couponsHeld', 'redPacketShares', 'redPacketShares', 'roundBestLuck', 'roundBestLuck'].sort(),
  );
  const orders = await Promise.all(exported.payouts.map((o: { ref: string }) => get(payoutKey(o.ref).pk, 'PAYOUT')));
  const cancelled = orders.find((o) => o?.state === 'cancelled')!;
  assert.equal(cancelled.cancelReason, 'member erased');
  assert.equal(cancelled.gsi1pk, CANCELLED_PAYOUTS, 'a cancelled order leaves the open index for the cancelled list');
  const inFlight = orders.find((o) => o?.state === 'awaiting-confirmation')!;
  for (const o of [cancelled, inFlight]) {
    assert.equal(o.openid, undefined);
    assert.ok(o.ref && o.amountFen > 0 && o.createdAt && o.campaignName && o.erasedAt, `an accounting line: ${JSON.stringify(o)}`);
  }
  // The withdrawal in flight fails after the erasure: the order records it, and there is no wallet to refund.
  await post(`/sandbox/pay/transfer-bills/${inFlight.ref}/reject`);
  const failed = await get(payoutKey(String(inFlight.ref)).pk, 'PAYOUT');
  assert.deepEqual([failed?.state, failed?.openid], ['failed', undefined]);
  const retried = await admin('POST', `/admin/payouts/${inFlight.ref}/retry`);
  assert.equal(retried.status, 409, JSON.stringify(retried.body));
  assert.match(retried.body.error, /erased member/);
  assert.deepEqual(
    (await scanAll()).filter((i) => i.pk === 'MEMBER#undefined' || mentions(i, identifiers(p))),
    [],
    'no refund to a member who is gone',
  );

  const chunk = after.find((i) => i.pk === `IMPORTJOB#${jobId}` && String(i.sk).startsWith('CHUNK#'))!;
  assert.deepEqual(
    (chunk.rows as { phone: string }[]).map((r) => r.phone),
    ['13700000000'],
    "the job's other rows stay",
  );

  const audit = after.find((i) => i.pk === 'AUDIT#ERASURE' && i.erasureId === erased.body.erasureId)!;
  assert.deepEqual([audit.status, audit.pseudonym, audit.requestedBy], ['erased', pseudonym, 'admin-api']);
  for (const path of ['', '/export', '/points', '/wallet']) {
    const r = await admin('GET', `/admin/members/${p.openid}${path}`);
    assert.ok(path === '/wallet' ? r.body.balanceFen === 0 : r.status === 404, `${path}: ${r.status}`);
  }
  assert.equal((await admin('DELETE', `/admin/members/${p.openid}`)).status, 404);

  // They come back, get a coupon, and are erased again: a new pseudonym, unrelated to the first.
  await say(p.openid, { type: 'event', event: 'unsubscribe' });
  await say(p.openid, { type: 'event', event: 'subscribe' });
  await call('POST', `/admin/members/${p.openid}/coupons`, { templateId: 'gift', idempotencyKey: 'gift-again' });
  const again = await call('DELETE', `/admin/members/${p.openid}`);
  assert.notEqual(again.erasureId, erased.body.erasureId);
  assert.equal((await scanAll()).filter((i) => i.openid === `erased:${again.erasureId}`).length, 1);
});

test('a share lock left by a grab that died does not name the grabber', async () => {
  const campaign = { keyword: '锁红包', id: '' };
  campaign.id = await scheduleCampaign(admin, {
    trigger: { keywords: [campaign.keyword] },
    round: { packets: 3, totalFen: 300, split: 'equal', minFen: 100, maxFen: 100 },
    eligibility: ELIGIBILITY,
    bestLuckPrize: undefined,
  });
  await say('o_lock_opener', { type: 'event', event: 'subscribe' });
  await grabIn(campaign, 'o_lock_opener');
  const rounds = closeRoundPorts(rt).rounds;
  const round = (await rounds.get(campaign.id, (await call('GET', `/admin/campaigns/${campaign.id}`)).config.schedule.from))!.snapshot;
  const [free] = await rounds.free(round);
  assert.ok(await rounds.lock(round, free!.index, 'o_lock_dead|1714036504|24000000000000000001', Date.now()), 'locked, then the grab died');
  const locked = (await scanAll()).filter((i) => i.lockedBy);
  assert.equal(locked.length, 1);
  assert.deepEqual(
    locked.filter((i) => mentions(i, ['o_lock_dead'])),
    [],
  );
});

test('a pending payout WeChat Pay already has keeps the erasure incomplete until the reconciliation moved it on', async () => {
  const campaign = { keyword: '已发红包', id: '' };
  campaign.id = await scheduleCampaign(admin, {
    trigger: { keywords: [campaign.keyword] },
    round: { packets: 2, totalFen: 200, split: 'equal', minFen: 100, maxFen: 100 },
    payout: { mode: 'transfer' },
    eligibility: ELIGIBILITY,
    bestLuckPrize: undefined,
  });
  // The bill is created at WeChat Pay, the answer is lost: the order stays pending, and a resend would need the openid.
  await post('/sandbox/pay/faults', { path: '/v3/fund-app/mch-transfer/transfer-bills', kind: 'drop-after-commit', times: 1 });
  await say('o_erase_sent', { type: 'event', event: 'subscribe' });
  await grabIn(campaign, 'o_erase_sent');
  const [order] = (await call('GET', '/admin/members/o_erase_sent/export')).payouts;
  assert.equal(order.state, 'pending');

  const waiting = await admin('DELETE', '/admin/members/o_erase_sent');
  assert.equal(waiting.status, 503, JSON.stringify(waiting.body));
  assert.match(waiting.body.error, /payouts failed \(payout \w+: WeChat Pay has it \(WAIT_USER_CONFIRM\)/);
  assert.equal(
    (await get(payoutKey(order.ref).pk, 'PAYOUT'))?.openid,
    'o_erase_sent',
    'not cancelled, not anonymised: the reconciliation still sends it under its ref',
  );

  const ports = (await payoutPorts(rt))!;
  await reconcilePayouts({ ...ports, clock: { now: () => Date.now() + 3_600_000 } });
  const done = await call('DELETE', '/admin/members/o_erase_sent');
  assert.deepEqual([done.status, done.erasureId], ['erased', waiting.body.erasureId]);
  const line = (await get(payoutKey(order.ref).pk, 'PAYOUT'))!;
  assert.deepEqual([line.state, line.openid, typeof line.erasedAt], ['awaiting-confirmation', undefined, 'string']);
});

/** The requests of each step that change an item, as the fault below aims at them. */
type Command = { constructor: { name: string }; input: Record<string, unknown> };
const keyPk = (c: Command) => String((c.input.Key as { pk?: string } | undefined)?.pk ?? (c.input.Item as { pk?: string } | undefined)?.pk ?? '');
const writes = (name: string, pk: (pk: string) => boolean) => (c: Command) => c.constructor.name === name && pk(keyPk(c));
const STEP_WRITES: [step: string, aim: (c: Command) => boolean][] = [
  ['begin', writes('PutCommand', (pk) => pk === 'AUDIT#ERASURE')],
  ['couponsHeld', writes('UpdateCommand', (pk) => pk.startsWith('COUPON#'))],
  ['redPacketShares', writes('UpdateCommand', (pk) => pk.startsWith('RPSHARD#'))],
  ['roundBestLuck', writes('UpdateCommand', (pk) => pk.startsWith('RPROUNDS#'))],
  ['payouts', writes('UpdateCommand', (pk) => pk.startsWith('PAYOUT#'))],
  ['prospects', writes('DeleteCommand', (pk) => pk.startsWith('PROSPECT#'))],
  // (the prospects step deletes its prospect's lookups too: this aims at those pointing to the member)
  [
    'lookups',
    (c) =>
      writes('DeleteCommand', (pk) => pk.startsWith('LOOKUP#'))(c) &&
      String((c.input.ExpressionAttributeValues as Record<string, unknown>)?.[':pk']).startsWith('MEMBER#'),
  ],
  ['pendingImportRows', writes('UpdateCommand', (pk) => pk.startsWith('IMPORTJOB#'))],
  ['pendingLinks', writes('DeleteCommand', (pk) => pk === 'LINK#PENDING')],
  ['adminAuditEntries', writes('PutCommand', (pk) => pk.startsWith('AUDITLOG#'))],
  ['adminAuditMentions', writes('DeleteCommand', (pk) => pk.startsWith('AUDITOF#'))],
  ['memberPartition', (c) => c.constructor.name === 'BatchWriteCommand'],
  ['profile', (c) => c.constructor.name === 'TransactWriteCommand'],
];

test('a throttled write in any step makes erasure answer incomplete (the member still there); a rerun resumes it to erased', async () => {
  const p = person('fault', 2);
  await exercise(p, 'o_erase_bystander2', 'fault');
  assert.deepEqual(
    STEP_WRITES.map(([s]) => s),
    ['begin', ...OUTSIDE_FAMILIES.map((f) => f.name), 'memberPartition', 'profile'],
    'every step is aimed at',
  );

  let erasureId: string | undefined;
  for (const [step, aim] of STEP_WRITES) {
    let fired = false;
    const faulty = faultyTable(table, (c) => {
      if (fired || !aim(c)) return false;
      fired = true;
      return true;
    });
    const r: EraseResult = await eraseMember({ table: faulty, pay: () => payClient(rt) }, p.openid, Date.now(), 'test');
    assert.equal(faulty.hits(), 1, `the fault for ${step} fired`);
    assert.equal(r.status, 'incomplete', `${step} failed, yet: ${JSON.stringify(r)}`);
    if (r.status !== 'incomplete') return;
    assert.deepEqual(r.failed, [{ step, error: 'ProvisionedThroughputExceededException' }]);
    erasureId ??= r.erasureId;
    if (step !== 'begin') assert.equal(r.erasureId, erasureId, 'a rerun resumes the same erasure');
    assert.ok(await get(`MEMBER#${p.openid}`, 'PROFILE'), `after ${step} failed the profile is still there`);
  }
  // Through the admin API: a 503 naming the step, then the same DELETE finishes.
  let fired = false;
  const { privacyRoutes } = await import('../lib/privacy/adminRoutes');
  const { BREAK_GLASS } = await import('../lib/identity/breakGlass');
  const [, del] = privacyRoutes({
    table: faultyTable(table, (c) => {
      if (fired || c.constructor.name !== 'TransactWriteCommand') return false;
      fired = true;
      return true;
    }),
    clock: { now: () => Date.now() },
    pay: () => payClient(rt),
  });
  const refused = await del!.run({
    params: { openid: p.openid },
    query: {},
    body: undefined,
    rawBody: '',
    contentType: '',
    principal: BREAK_GLASS,
    requestId: 'test',
  });
  assert.equal(refused.statusCode, 503);
  assert.match(String(refused.body), /profile failed \(ProvisionedThroughputExceededException\).*DELETE again/);

  const done = await call('DELETE', `/admin/members/${p.openid}`);
  assert.deepEqual([done.status, done.erasureId], ['erased', erasureId]);
  assert.deepEqual(
    (await scanAll()).filter((i) => mentions(i, identifiers(p))).map((i) => `${i.pk} / ${i.sk}`),
    [],
  );
});

test('a request failing anywhere, one after another from the first: every run that met a failure answers incomplete, and the last one erased', async () => {
  const p = person('walk', 3);
  await exercise(p, 'o_erase_bystander3', 'walk');
  let runs = 0;
  for (let k = 1; ; k++) {
    const faulty = faultyTable(table, (_c, n) => n === k);
    const r = await eraseMember({ table: faulty, pay: () => payClient(rt) }, p.openid, Date.now(), 'test');
    runs += 1;
    if (faulty.hits() === 0) {
      assert.equal(r.status, 'erased', JSON.stringify(r));
      break;
    }
    assert.equal(r.status, 'incomplete', `request ${k} failed, yet the answer was ${JSON.stringify(r)}`);
    assert.ok(k < 500, 'erasure keeps making progress');
  }
  assert.ok(runs > 20, `${runs} runs`);
  assert.deepEqual(
    (await scanAll()).filter((i) => mentions(i, identifiers(p))).map((i) => `${i.pk} / ${i.sk}`),
    [],
  );
});
