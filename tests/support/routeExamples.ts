import type { Role } from '../../lib/identity/roles';
import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { businessDay } from '../../lib/clock/timeZone';
import type { Table } from '../../lib/store/dynamo';
import { OPEN_PAYOUTS, payoutKey, walletKey } from '../../lib/table';
import { campaignBody } from './campaigns';
import { setConversation, subOf } from './conversations';
import type { AdminCall } from './handlers';
import { seedMembers } from './members';
import { tokenFor } from './people';
import { TEST_CONFIG } from './testTable';

/**
 * One request per admin route that answers 2xx for a role the route allows, on a stack made by
 * tests/support/payStack.ts (DynamoDB Local, the sandbox as WeChat and WeChat Pay). tests/roles.test.ts
 * calls every route with every role: allowed roles get 2xx, the others 403 and nothing changes.
 *
 * Adding a route: add `'METHOD /admin/path/{param}': async (s) => ({ path })` here (the role test
 * fails naming any route without one). An example prepares what the route needs afresh on every call
 * (new ids), since it runs once per allowed role: creating the same thing twice would be a 409.
 */
export interface ExampleRequest {
  /** The route's path with its parameters filled in. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** What the allowed call changed, checked after its 2xx (given for a few routes). */
  effect?: (answer: AdminCall) => Promise<void>;
}

/** What examples prepare with: the table, the break-glass admin client, fresh ids. */
export interface ExampleStack {
  table: Table;
  /** The admin API as the break-glass admin, for preparing (not the call under test). */
  admin: (method: string, path: string, body?: unknown, opts?: { query?: Record<string, string> }) => Promise<AdminCall>;
  /** The role the example's request will be sent as (admin for the refused-roles check). */
  role: Role;
}

export type RouteExample = (s: ExampleStack) => Promise<ExampleRequest>;

let seq = 0;

const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
/** A new id, lower-case letters, digits and dashes (every id schema of the API takes it). */
export const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/** The break-glass call must succeed: an example that cannot prepare is a broken example, said loudly. */
async function ok(s: ExampleStack, method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<AdminCall> {
  const r = await s.admin(method, path, body, { query });
  assert.ok(r.status >= 200 && r.status < 300, `preparing with ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

async function member(s: ExampleStack): Promise<string> {
  const openid = `o_${fresh('role').replace(/-/g, '_')}`;
  await seedMembers(s.table, [{ openid }], Date.now());
  return openid;
}

async function couponTemplate(s: ExampleStack): Promise<string> {
  const id = fresh('tpl');
  await ok(s, 'POST', '/admin/coupon-templates', { id, title: '九折券', value: { type: 'percent', percent: 10 }, validity: { type: 'days', days: 30 } });
  return id;
}

async function issuedCoupon(s: ExampleStack): Promise<{ openid: string; code: string }> {
  const [openid, templateId] = await Promise.all([member(s), couponTemplate(s)]);
  const issued = await ok(s, 'POST', `/admin/members/${openid}/coupons`, { templateId, idempotencyKey: fresh('k') });
  return { openid, code: issued.body.code as string };
}

/** A campaign far in the future (no round opens while the tests run), its own keyword; in `state`. */
async function campaign(s: ExampleStack, state: 'draft' | 'active' | 'paused' = 'draft'): Promise<string> {
  const created = await ok(s, 'POST', '/admin/campaigns', campaignBodyFor(fresh('kw')));
  const id = created.body.id as string;
  if (state !== 'draft') await ok(s, 'POST', `/admin/campaigns/${id}/schedule`);
  if (state === 'paused') await ok(s, 'POST', `/admin/campaigns/${id}/pause`);
  return id;
}

const campaignBodyFor = (keyword: string) =>
  campaignBody({
    name: `红包 ${keyword}`,
    trigger: { keywords: [keyword] },
    schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2030-01-01', to: '2030-01-07' },
    bestLuckPrize: undefined,
  });

/** A broadcast scheduled years ahead: stored, never dispatched while the tests run. */
async function broadcast(s: ExampleStack): Promise<string> {
  const created = await ok(s, 'POST', '/admin/broadcasts', broadcastBody());
  return created.body.id as string;
}

const broadcastBody = () => ({
  name: fresh('通知'),
  message: { channel: 'custom', text: '本周新菜上线' },
  segment: { tag: 'vip' },
  sendAt: '2030-01-01T09:00',
});

async function autoreplyRule(s: ExampleStack): Promise<string> {
  const id = fresh('rule');
  await ok(s, 'POST', '/admin/autoreply-rules', autoreplyBody(id));
  return id;
}

const autoreplyBody = (id?: string) => ({
  ...(id ? { id } : {}),
  match: { type: 'exact', pattern: fresh('营业') },
  reply: { type: 'text', content: '每天 10:00–22:00' },
});

const menuBody = () => ({ button: [{ type: 'click', name: '签到', key: fresh('SIGN_IN') }] });

const reengagementRules = (id: string) => ({ rules: [{ id, name: '升级祝贺', trigger: { type: 'levelChanged' }, notice: { text: '恭喜升级！' } }] });

/** A payout order WeChat Pay refused for a reason that can clear (held), written as the payout worker leaves one. */
async function heldPayout(s: ExampleStack): Promise<string> {
  const openid = await member(s);
  const ref = `M${fresh('p').replace(/-/g, '')}`.slice(0, 32);
  const at = new Date().toISOString();
  await s.table.doc.send(
    new PutCommand({
      TableName: s.table.name,
      Item: {
        ...payoutKey(ref),
        ref,
        mode: 'transfer',
        openid,
        amountFen: 100,
        campaignName: '角色测试红包',
        state: 'held',
        attempts: 1,
        holdReason: 'NOT_ENOUGH: 商户余额不足',
        nextAttemptAt: Date.now() + 3_600_000,
        createdAt: at,
        updatedAt: at,
        gsi1pk: OPEN_PAYOUTS,
        gsi1sk: at,
      },
    }),
  );
  return ref;
}

/** A member with money in their red-packet wallet, as grabs in wallet mode leave it. */
async function memberWithWallet(s: ExampleStack): Promise<string> {
  const openid = await member(s);
  await s.table.doc.send(new PutCommand({ TableName: s.table.name, Item: { ...walletKey(openid), balanceFen: 500, creditedFen: 500, withdrawnFen: 0 } }));
  return openid;
}

/** A mobile number no other example imported: importing a known one again changes nothing. */
const phone = () => `139${String(Date.now() * 100 + (seq++ % 100)).slice(-8)}`;

const today = () => businessDay(Date.now(), TEST_CONFIG.ACCOUNT_TIME_ZONE);

export const ROUTE_EXAMPLES: Record<string, RouteExample> = {
  'GET /admin/account': async () => ({ path: '/admin/account' }),

  // Conversations (issue 14)
  'GET /admin/conversations': async (s) => {
    await setConversation(s.table, await member(s));
    return { path: '/admin/conversations', query: { state: 'waiting' } };
  },
  'POST /admin/conversations/{openid}/claim': async (s) => {
    const openid = await member(s);
    await setConversation(s.table, openid);
    return {
      path: `/admin/conversations/${openid}/claim`,
      effect: async (answer) => assert.equal((await ok(s, 'GET', `/admin/members/${openid}`)).body.handoff.assignee.id, answer.body.handoff.assignee.id),
    };
  },
  'POST /admin/conversations/{openid}/replies': async (s) => {
    // A follower who just wrote (WeChat's window is open), whose conversation the calling person has.
    const openid = `o_${fresh('reply').replace(/-/g, '_')}`;
    const sandbox = process.env.WECHAT_API_BASE!;
    const wrote = await fetch(`${sandbox}/sandbox/followers/${openid}/messages`, { method: 'POST', body: JSON.stringify({ type: 'text', content: '在吗' }) });
    assert.equal(wrote.status, 200, await wrote.text());
    const sub = subOf(await tokenFor(s.role));
    await setConversation(s.table, openid, { state: 'open', assignee: { id: sub, name: s.role } });
    return { path: `/admin/conversations/${openid}/replies`, body: { type: 'text', text: '您好，请问有什么可以帮您' } };
  },
  'POST /admin/conversations/{openid}/notes': async (s) => ({ path: `/admin/conversations/${await member(s)}/notes`, body: { text: '回访过' } }),
  'POST /admin/conversations/{openid}/close': async (s) => {
    const openid = await member(s);
    await setConversation(s.table, openid);
    return {
      path: `/admin/conversations/${openid}/close`,
      effect: async () => assert.equal((await ok(s, 'GET', `/admin/members/${openid}`)).body.handoff.state, 'closed'),
    };
  },
  'GET /admin/members/{openid}/conversation': async (s) => ({ path: `/admin/members/${await member(s)}/conversation` }),
  'GET /admin/media/{mediaId}': async () => {
    // A follower's photo, kept by the sandbox as WeChat's temporary media.
    const openid = `o_${fresh('photo').replace(/-/g, '_')}`;
    const sandbox = process.env.WECHAT_API_BASE!;
    const sent = await fetch(`${sandbox}/sandbox/followers/${openid}/messages`, { method: 'POST', body: JSON.stringify({ type: 'image' }) });
    const xml = ((await sent.json()) as { push: { xml: string } }).push.xml;
    const mediaId = /<MediaId><!\[CDATA\[([^\]]+)\]\]>/.exec(xml)?.[1];
    assert.ok(mediaId, xml);
    return { path: `/admin/media/${mediaId}` };
  },
  'POST /admin/media': async () => ({ path: '/admin/media', body: { fileName: 'dot.png', contentType: 'image/png', dataBase64: ONE_PIXEL_PNG } }),
  'GET /admin/quick-replies': async () => ({ path: '/admin/quick-replies' }),
  'PUT /admin/quick-replies': async () => ({
    path: '/admin/quick-replies',
    body: { replies: [{ id: fresh('hours'), title: '营业时间', reply: '每天 10:00–22:00' }] },
  }),

  // Members
  'POST /admin/members/import': async () => ({
    path: '/admin/members/import',
    body: { rows: [{ phone: phone(), name: '韩梅梅', channel: 'online-shop' }] },
  }),
  'GET /admin/members/import/{jobId}': async (s) => {
    // More rows than IMPORT_SYNC_MAX_ROWS (tests/roles.test.ts sets 1): a background job.
    const rows = [phone(), phone()].map((p) => ({ phone: p, channel: 'online-shop' }));
    const job = await ok(s, 'POST', '/admin/members/import', { rows });
    assert.equal(job.status, 202, 'a job, not an import in the request');
    return { path: `/admin/members/import/${job.body.jobId}` };
  },
  'GET /admin/members/search': async (s) => ({ path: '/admin/members/search', query: { q: await member(s) } }),
  'GET /admin/members': async () => ({ path: '/admin/members', query: { limit: '5' } }),
  'GET /admin/members/{openid}': async (s) => ({ path: `/admin/members/${await member(s)}` }),
  'PUT /admin/members/{openid}/attributes': async (s) => ({ path: `/admin/members/${await member(s)}/attributes`, body: { region: '上海', birthdayMonth: 5 } }),
  'GET /admin/members/{openid}/points': async (s) => ({ path: `/admin/members/${await member(s)}/points` }),
  'POST /admin/members/{openid}/points': async (s) => {
    const openid = await member(s);
    return {
      path: `/admin/members/${openid}/points`,
      body: { delta: 10, reason: '到店补录', idempotencyKey: fresh('k') },
      effect: async () => assert.equal((await ok(s, 'GET', `/admin/members/${openid}`)).body.points, 10),
    };
  },
  'GET /admin/members/{openid}/levels': async (s) => ({ path: `/admin/members/${await member(s)}/levels` }),
  'PUT /admin/members/{openid}/tags': async (s) => {
    const openid = await member(s);
    return {
      path: `/admin/members/${openid}/tags`,
      body: { add: ['常客'] },
      effect: async () => assert.deepEqual((await ok(s, 'GET', `/admin/members/${openid}`)).body.tags, ['常客']),
    };
  },
  'GET /admin/members/{openid}/export': async (s) => ({ path: `/admin/members/${await member(s)}/export` }),
  'DELETE /admin/members/{openid}': async (s) => {
    const openid = await member(s);
    return { path: `/admin/members/${openid}`, effect: async () => assert.equal((await s.admin('GET', `/admin/members/${openid}`)).status, 404) };
  },
  'GET /admin/members/{openid}/wallet': async (s) => ({ path: `/admin/members/${await memberWithWallet(s)}/wallet` }),
  'POST /admin/members/{openid}/wallet/withdraw': async (s) => ({
    path: `/admin/members/${await memberWithWallet(s)}/wallet/withdraw`,
    body: { idempotencyKey: fresh('w'), amountFen: 200 },
  }),

  // Levels, points, segments, stats
  'GET /admin/levels': async () => ({ path: '/admin/levels' }),
  'PUT /admin/levels': async () => ({ path: '/admin/levels', body: { levels: [{ name: '普通' }, { name: '金卡', minLifetimePoints: 1000 + seq++ }] } }),
  'GET /admin/points-policy': async () => ({ path: '/admin/points-policy' }),
  'PUT /admin/points-policy': async () => ({ path: '/admin/points-policy', body: { expiry: { type: 'days', days: 300 + seq++ } } }),
  'POST /admin/segments/preview': async () => ({ path: '/admin/segments/preview', body: { segment: { all: [{ subscribed: true }] }, sampleSize: 3 } }),
  'GET /admin/stats/daily': async () => ({ path: '/admin/stats/daily', query: { from: today(), to: today() } }),

  // Auto-replies and menu
  'GET /admin/autoreply-rules': async () => ({ path: '/admin/autoreply-rules' }),
  'POST /admin/autoreply-rules': async (s) => {
    const id = fresh('rule');
    return {
      path: '/admin/autoreply-rules',
      body: autoreplyBody(id),
      effect: async () => assert.ok((await ok(s, 'GET', '/admin/autoreply-rules')).body.rules.some((r: { id: string }) => r.id === id)),
    };
  },
  'PUT /admin/autoreply-rules/{id}': async (s) => ({ path: `/admin/autoreply-rules/${await autoreplyRule(s)}`, body: autoreplyBody() }),
  'DELETE /admin/autoreply-rules/{id}': async (s) => {
    const id = await autoreplyRule(s);
    return {
      path: `/admin/autoreply-rules/${id}`,
      effect: async () => assert.ok(!(await ok(s, 'GET', '/admin/autoreply-rules')).body.rules.some((r: { id: string }) => r.id === id)),
    };
  },
  'POST /admin/autoreply-rules/try': async () => ({ path: '/admin/autoreply-rules/try', body: { text: '营业时间' } }),
  'GET /admin/menu': async (s) => {
    await ok(s, 'PUT', '/admin/menu', menuBody());
    return { path: '/admin/menu' };
  },
  'PUT /admin/menu': async () => ({ path: '/admin/menu', body: menuBody() }),
  'POST /admin/menu/publish': async (s) => {
    await ok(s, 'PUT', '/admin/menu', menuBody());
    return { path: '/admin/menu/publish' };
  },

  // Coupons
  'GET /admin/coupon-templates': async () => ({ path: '/admin/coupon-templates' }),
  'POST /admin/coupon-templates': async (s) => {
    const id = fresh('tpl');
    return {
      path: '/admin/coupon-templates',
      body: { id, title: '满50减5', value: { type: 'amount', fen: 500 }, validity: { type: 'days', days: 30 } },
      effect: async () => assert.equal((await ok(s, 'GET', `/admin/coupon-templates/${id}`)).body.title, '满50减5'),
    };
  },
  'GET /admin/coupon-templates/{id}': async (s) => ({ path: `/admin/coupon-templates/${await couponTemplate(s)}` }),
  'PUT /admin/coupon-templates/{id}': async (s) => ({
    path: `/admin/coupon-templates/${await couponTemplate(s)}`,
    body: { title: '八折券', value: { type: 'percent', percent: 20 }, validity: { type: 'endOfWeek' } },
  }),
  'DELETE /admin/coupon-templates/{id}': async (s) => ({ path: `/admin/coupon-templates/${await couponTemplate(s)}` }),
  'POST /admin/members/{openid}/coupons': async (s) => {
    const [openid, templateId] = await Promise.all([member(s), couponTemplate(s)]);
    return { path: `/admin/members/${openid}/coupons`, body: { templateId, idempotencyKey: fresh('k') } };
  },
  'GET /admin/members/{openid}/coupons': async (s) => ({ path: `/admin/members/${(await issuedCoupon(s)).openid}/coupons` }),
  'POST /admin/coupons/{code}/redeem': async (s) => ({ path: `/admin/coupons/${(await issuedCoupon(s)).code}/redeem`, body: { by: 'store-01' } }),

  // Campaigns
  'GET /admin/schemas/campaign': async () => ({ path: '/admin/schemas/campaign' }),
  'GET /admin/campaigns': async () => ({ path: '/admin/campaigns' }),
  'POST /admin/campaigns/preview-split': async () => ({
    path: '/admin/campaigns/preview-split',
    body: { round: { packets: 5, totalFen: 100, split: 'lucky', minFen: 10, maxFen: 50 }, samples: 2 },
  }),
  'POST /admin/campaigns': async () => ({ path: '/admin/campaigns', body: campaignBodyFor(fresh('kw')) }),
  'GET /admin/campaigns/{id}': async (s) => ({ path: `/admin/campaigns/${await campaign(s)}` }),
  'PUT /admin/campaigns/{id}': async (s) => ({ path: `/admin/campaigns/${await campaign(s)}`, body: { ...campaignBodyFor(fresh('kw')), version: 1 } }),
  'POST /admin/campaigns/{id}/schedule': async (s) => {
    const id = await campaign(s);
    return { path: `/admin/campaigns/${id}/schedule`, effect: async () => assert.equal((await ok(s, 'GET', `/admin/campaigns/${id}`)).body.state, 'active') };
  },
  'POST /admin/campaigns/{id}/pause': async (s) => ({ path: `/admin/campaigns/${await campaign(s, 'active')}/pause` }),
  'POST /admin/campaigns/{id}/resume': async (s) => ({ path: `/admin/campaigns/${await campaign(s, 'paused')}/resume` }),
  'POST /admin/campaigns/{id}/close': async (s) => ({ path: `/admin/campaigns/${await campaign(s, 'active')}/close` }),
  'GET /admin/campaigns/{id}/report': async (s) => ({ path: `/admin/campaigns/${await campaign(s, 'active')}/report` }),

  // Wallet and payouts (WeChat Pay: the sandbox)
  'GET /admin/wallet-policy': async () => ({ path: '/admin/wallet-policy' }),
  'PUT /admin/wallet-policy': async () => ({ path: '/admin/wallet-policy', body: { withdrawMinFen: 100 + (seq++ % 2) } }),
  'GET /admin/payouts': async (s) => {
    await heldPayout(s);
    return { path: '/admin/payouts', query: { state: 'held' } };
  },
  'POST /admin/payouts/{ref}/retry': async (s) => ({ path: `/admin/payouts/${await heldPayout(s)}/retry` }),
  'POST /admin/payouts/{ref}/cancel': async (s) => ({ path: `/admin/payouts/${await heldPayout(s)}/cancel`, body: { reason: '活动规则变更' } }),

  // Broadcasts
  'GET /admin/schemas/broadcast': async () => ({ path: '/admin/schemas/broadcast' }),
  'GET /admin/send-policy': async () => ({ path: '/admin/send-policy' }),
  'PUT /admin/send-policy': async () => ({ path: '/admin/send-policy', body: { ratePerSecond: 50 + seq++, massMonthlyQuota: 4 } }),
  'GET /admin/broadcasts': async () => ({ path: '/admin/broadcasts' }),
  'POST /admin/broadcasts': async () => ({ path: '/admin/broadcasts', body: broadcastBody() }),
  'GET /admin/broadcasts/{id}': async (s) => ({ path: `/admin/broadcasts/${await broadcast(s)}` }),
  'POST /admin/broadcasts/{id}/cancel': async (s) => {
    const id = await broadcast(s);
    return {
      path: `/admin/broadcasts/${id}/cancel`,
      effect: async () => assert.equal((await ok(s, 'GET', `/admin/broadcasts/${id}`)).body.status, 'cancelled'),
    };
  },
  'POST /admin/broadcasts/{id}/preview': async (s) => ({ path: `/admin/broadcasts/${await broadcast(s)}/preview`, body: { openids: [await member(s)] } }),

  // Re-engagement
  'GET /admin/reengagement-rules': async () => ({ path: '/admin/reengagement-rules' }),
  'PUT /admin/reengagement-rules': async () => ({ path: '/admin/reengagement-rules', body: reengagementRules(fresh('upgrade')) }),
  'GET /admin/reengagement-rules/{id}/report': async (s) => {
    const id = fresh('upgrade');
    await ok(s, 'PUT', '/admin/reengagement-rules', reengagementRules(id));
    return { path: `/admin/reengagement-rules/${id}/report` };
  },

  // People, audit and approvals (issue 13)
  'GET /admin/me': async () => ({ path: '/admin/me' }),
  'GET /admin/users': async () => ({ path: '/admin/users' }),
  'POST /admin/users': async () => ({ path: '/admin/users', body: { email: `${fresh('person')}@example.com`, roles: ['operator'] } }),
  'PUT /admin/users/{username}/roles': async (s) => ({ path: `/admin/users/${await person(s)}/roles`, body: { roles: ['marketer'] } }),
  'POST /admin/users/{username}/disable': async (s) => ({ path: `/admin/users/${await person(s)}/disable` }),
  'POST /admin/users/{username}/enable': async (s) => {
    const username = await person(s);
    await ok(s, 'POST', `/admin/users/${username}/disable`);
    return { path: `/admin/users/${username}/enable` };
  },
  'GET /admin/audit': async () => ({ path: '/admin/audit' }),
  'GET /admin/audit/export': async () => ({ path: '/admin/audit/export', query: { format: 'csv' } }),
  'GET /admin/approvals': async () => ({ path: '/admin/approvals', query: { state: 'pending' } }),
  'POST /admin/approvals/{id}/approve': async (s) => ({ path: `/admin/approvals/${await pendingApproval(s)}/approve`, body: { reason: '已核对' } }),
  'POST /admin/approvals/{id}/reject': async (s) => ({ path: `/admin/approvals/${await pendingApproval(s)}/reject`, body: { reason: '金额不对' } }),
  'GET /admin/approval-policy': async () => ({ path: '/admin/approval-policy' }),
  'PUT /admin/approval-policy': async (s) => ({ path: '/admin/approval-policy', body: (await ok(s, 'GET', '/admin/approval-policy')).body }),
};

/** A person in the user pool (identity lane's `POST /admin/users`), added by the break-glass admin; their username. */
async function person(s: ExampleStack): Promise<string> {
  const email = `${fresh('person')}@example.com`;
  const added = await ok(s, 'POST', '/admin/users', { email, roles: ['viewer'] });
  return encodeURIComponent((added.body.user?.username ?? added.body.username ?? email) as string);
}

/**
 * A pending approval that the example's role may decide (the route lets marketers and operators in;
 * the use case then asks for the kind's roles): a campaign budget for a marketer, a broadcast for an
 * operator, a payout-settings change for an admin, each asked for by the break-glass admin.
 */
async function pendingApproval(s: ExampleStack): Promise<string> {
  const policy = (await ok(s, 'GET', '/admin/approval-policy')).body;
  let kind: string;
  let target: string | undefined;
  if (s.role === 'marketer') {
    kind = 'campaign-budget';
    await ok(s, 'PUT', '/admin/approval-policy', { ...policy, campaignBudgetFen: 1 });
    target = await campaign(s, 'active');
  } else if (s.role === 'operator') {
    kind = 'broadcast';
    // An audience of one (a member tagged vip, the example broadcast's segment) above a threshold of none.
    await ok(s, 'PUT', `/admin/members/${await member(s)}/tags`, { add: ['vip'] });
    await ok(s, 'PUT', '/admin/approval-policy', { ...policy, broadcastMembers: 0 });
    target = await broadcast(s);
  } else {
    kind = 'payout-settings';
    await ok(s, 'PUT', '/admin/wallet-policy', { withdrawMinFen: 100 + (seq++ % 2) });
  }
  await ok(s, 'PUT', '/admin/approval-policy', policy);
  const pending = await ok(s, 'GET', '/admin/approvals', undefined, { state: 'pending' });
  const mine = (pending.body.approvals as { id: string; kind: string; target: string; requestedAt: string }[])
    .filter((a) => a.kind === kind && (target === undefined || a.target === target))
    .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
  assert.ok(mine[0], `a pending ${kind} approval: ${JSON.stringify(pending.body)}`);
  return mine[0].id;
}
