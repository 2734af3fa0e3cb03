import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerApp } from '../lib/app/containerApp';
import type { App } from '../lib/app/createApp';
import type { Approval } from '../lib/approvals/approval';
import type { AuditEntry } from '../lib/audit/auditEntry';
import type { Sandbox } from '../sandbox/server';
import { campaignBody } from './support/campaigns';
import { drained } from './support/localAws';
import { seedMembers } from './support/members';
import { adminAs, person } from './support/principals';
import { startStack, type Stack } from './support/stack';
import { postToSandbox } from './support/sandboxCalls';

// Four eyes through the real admin path (lib/app/adminCall.ts, as the handler runs it) with people
// of each role, DynamoDB Local, the send queue and the sandbox as WeChat.
let stack: Stack;
let sandbox: Sandbox;
let rt: App;
const ola = adminAs(person('ola@example.com', ['operator']));
const otto = adminAs(person('otto@example.com', ['operator']));
const mia = adminAs(person('mia@example.com', ['marketer']));
const max = adminAs(person('max@example.com', ['marketer']));
const ada = adminAs(person('ada@example.com', ['admin']));
const adam = adminAs(person('adam@example.com', ['admin']));

before(async () => {
  stack = await startStack();
  ({ sandbox } = stack);
  rt = await containerApp();
  assert.equal((await ada('PUT', '/admin/send-policy', { ratePerSecond: 500, massMonthlyQuota: 4 })).status, 200);
  assert.equal(
    (await ada('POST', '/admin/coupon-templates', { id: 'free-hongshaorou', title: '免费红烧肉', validity: { type: 'days', days: 7 } })).status,
    201,
  );
});
after(() => stack?.close());

const sandboxPost = (path: string, body: unknown) => postToSandbox(sandbox, path, body);
const say = async (openid: string, text: string): Promise<string> =>
  ((await sandboxPost(`/sandbox/followers/${openid}/messages`, { type: 'text', content: text })).reply as { content?: string } | undefined)?.content ?? '';

async function followers(openids: string[], tag: string) {
  await seedMembers(
    rt.table,
    openids.map((openid) => ({ openid, tags: [tag], lastInteractionAt: new Date(Date.now() - 5 * 86_400_000).toISOString() })),
    Date.now(),
  );
  await sandboxPost('/sandbox/followers', { openids });
}

const notice = { channel: 'template', templateId: 'service-notice', data: { thing1: '会员日' } };
async function broadcastBy(who: typeof ola, tag: string) {
  const r = await who('POST', '/admin/broadcasts', { message: notice, segment: { tag }, sendAt: 'now', quietHours: null });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: string; dueAt?: string; approval?: { id: string; state: string } };
}

/** The minute schedule, then the send worker through what it queued. */
async function dispatch() {
  const { handler } = await import('../handlers/broadcast-dispatch');
  const out = (await handler({})) as { broadcasts: { queued: Record<string, number> } };
  await drained();
  return out.broadcasts.queued;
}

const approval = async (id: string): Promise<Approval> => ((await ada('GET', '/admin/approvals')).body.approvals as Approval[]).find((a) => a.id === id)!;
const auditOf = async (kind: string): Promise<AuditEntry[]> => (await ada('GET', '/admin/audit', undefined, { kind, limit: '200' })).body.entries;

describe('the approval policy', () => {
  test('defaults, admins only, checked', async () => {
    assert.deepEqual((await ada('GET', '/admin/approval-policy')).body, { broadcastMembers: 10_000, campaignBudgetFen: 100_000, payoutSettings: true });
    assert.equal((await ola('GET', '/admin/approval-policy')).status, 403);
    assert.equal((await mia('PUT', '/admin/approval-policy', { broadcastMembers: 1, campaignBudgetFen: 1, payoutSettings: false })).status, 403);
    const bad = await ada('PUT', '/admin/approval-policy', { broadcastMembers: -1, campaignBudgetFen: 1000, payoutSettings: true });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /broadcastMembers/);
    const set = { broadcastMembers: 2, campaignBudgetFen: 1000, payoutSettings: true };
    assert.deepEqual((await ada('PUT', '/admin/approval-policy', set)).body, set);
    assert.deepEqual((await ola('GET', '/admin/approvals')).status, 200, 'operators see what waits');
  });
});

describe('a broadcast to more members than the threshold', () => {
  test('waits: the dispatcher does not send it; its requester cannot approve it, nor a marketer; another operator can, and it goes', async () => {
    await followers(['o_ap_1', 'o_ap_2', 'o_ap_3'], 'ap-crowd');
    const b = await broadcastBy(ola, 'ap-crowd');
    assert.equal(b.approval?.state, 'pending');
    assert.equal(b.dueAt, undefined);
    const waiting = await approval(b.approval!.id);
    assert.deepEqual(
      [waiting.kind, waiting.target, waiting.state, waiting.requestedBy.username, waiting.summary.members],
      ['broadcast', b.id, 'pending', 'ola@example.com', 3],
    );
    assert.deepEqual(waiting.approverRoles, ['operator', 'admin']);
    assert.ok(((await ola('GET', '/admin/approvals', undefined, { state: 'pending' })).body.approvals as Approval[]).some((a) => a.id === waiting.id));

    assert.equal((await dispatch())[b.id], undefined, 'not dispatched');
    assert.equal(sandbox.state.inboxOf('o_ap_1').length, 0);

    const self = await ola('POST', `/admin/approvals/${waiting.id}/approve`, {});
    assert.equal(self.status, 403);
    assert.match(self.body.error, /you requested .*another person/);
    const marketer = await mia('POST', `/admin/approvals/${waiting.id}/approve`, {});
    assert.equal(marketer.status, 403);
    assert.deepEqual(marketer.body.rolesNeeded, ['operator', 'admin']);
    assert.equal((await approval(waiting.id)).state, 'pending');
    assert.equal((await dispatch())[b.id], undefined, 'still not dispatched');

    const approved = await otto('POST', `/admin/approvals/${waiting.id}/approve`, { reason: 'checked the wording' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual(
      [approved.body.approval.state, approved.body.approval.decidedBy.username, approved.body.approval.reason],
      ['approved', 'otto@example.com', 'checked the wording'],
    );
    assert.equal((await dispatch())[b.id], 3);
    const view = (await ola('GET', `/admin/broadcasts/${b.id}`)).body;
    assert.deepEqual(view.progress.sentBy, { template: 3 });
    assert.equal(view.approval.state, 'approved');

    const twice = await ada('POST', `/admin/approvals/${waiting.id}/approve`);
    assert.equal(twice.status, 409);
    assert.equal((await ada('POST', `/admin/approvals/${waiting.id}/reject`)).status, 409);
  });

  test('rejected: cancelled, never sent, and not approvable afterwards', async () => {
    await followers(['o_rj_1', 'o_rj_2', 'o_rj_3'], 'ap-reject');
    const b = await broadcastBy(ola, 'ap-reject');
    const rejected = await otto('POST', `/admin/approvals/${b.approval!.id}/reject`, { reason: 'too many' });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.approval.state, 'rejected');
    assert.equal((await ada('POST', `/admin/approvals/${b.approval!.id}/approve`)).status, 409);
    assert.equal((await dispatch())[b.id], undefined);
    const view = (await ola('GET', `/admin/broadcasts/${b.id}`)).body;
    assert.deepEqual([view.state, view.status, view.approval.state], ['cancelled', 'cancelled', 'rejected']);
    assert.equal(sandbox.state.inboxOf('o_rj_1').length, 0);
  });

  test('an approve and a reject at once: exactly one wins, and the broadcast follows it', async () => {
    await followers(['o_cc_1', 'o_cc_2', 'o_cc_3'], 'ap-race');
    for (let round = 0; round < 3; round++) {
      const b = await broadcastBy(ola, 'ap-race');
      const [yes, no] = await Promise.all([
        otto('POST', `/admin/approvals/${b.approval!.id}/approve`),
        ada('POST', `/admin/approvals/${b.approval!.id}/reject`),
      ]);
      assert.deepEqual([yes.status, no.status].sort(), [200, 409], `${yes.status} ${no.status}`);
      const winner = yes.status === 200 ? 'approved' : 'rejected';
      assert.equal((await approval(b.approval!.id)).state, winner);
      const view = (await ola('GET', `/admin/broadcasts/${b.id}`)).body;
      assert.equal(view.approval.state, winner);
      assert.equal(view.state, winner === 'approved' ? 'scheduled' : 'cancelled');
      assert.equal(!!view.dueAt, winner === 'approved');
      if (winner === 'approved') await ola('POST', `/admin/broadcasts/${b.id}/cancel`);
    }
  });

  test('at or below the threshold nothing waits', async () => {
    await followers(['o_small_1'], 'ap-small');
    const b = await broadcastBy(ola, 'ap-small');
    assert.equal(b.approval, undefined);
    assert.ok(b.dueAt);
    assert.equal((await dispatch())[b.id], 1);
  });
});

describe('a campaign whose budget is above the threshold', () => {
  test('waits (no round, grabs answer as not started); a marketer other than the requester approves; a raise asks again', async () => {
    for (const openid of ['o_cp_1', 'o_cp_2']) await sandboxPost(`/sandbox/followers/${openid}/messages`, { type: 'event', event: 'subscribe' });
    const created = await mia('POST', '/admin/campaigns', campaignBody({ trigger: { keywords: ['审批红包'] } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const scheduled = await mia('POST', `/admin/campaigns/${id}/schedule`);
    assert.equal(scheduled.status, 200, JSON.stringify(scheduled.body));
    assert.deepEqual(
      [scheduled.body.state, scheduled.body.status, scheduled.body.approval.state, scheduled.body.approval.budgetFen],
      ['active', 'scheduled', 'pending', 3500],
    );
    const first = scheduled.body.approval.id as string;

    const { handler: tend } = await import('../handlers/redpacket-rounds');
    assert.ok(!((await tend({})) as { opened: string[] }).opened.some((r) => r.startsWith(id)), 'no round opened');
    assert.match(await say('o_cp_1', '审批红包'), /开始，敬请期待/);
    assert.equal((await mia('POST', `/admin/approvals/${first}/approve`)).status, 403, 'not the requester');
    const operator = await ola('POST', `/admin/approvals/${first}/approve`);
    assert.equal(operator.status, 403);
    assert.deepEqual(operator.body.rolesNeeded, ['marketer', 'admin']);

    assert.equal((await max('POST', `/admin/approvals/${first}/approve`)).status, 200);
    const running = (await mia('GET', `/admin/campaigns/${id}`)).body;
    assert.deepEqual([running.status, running.approval.state], ['running', 'approved']);
    assert.match(await say('o_cp_1', '审批红包'), /抢到/);

    // A raise above what was approved asks again, and the campaign waits meanwhile.
    const raised = await mia('PUT', `/admin/campaigns/${id}`, {
      ...campaignBody({ trigger: { keywords: ['审批红包'] } }),
      budget: { maxFenTotal: 9000 },
      version: running.version,
    });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    assert.equal(raised.body.approval.state, 'pending');
    assert.notEqual(raised.body.approval.id, first);
    assert.match(await say('o_cp_2', '审批红包'), /开始，敬请期待/);
    assert.equal((await max('POST', `/admin/approvals/${raised.body.approval.id}/reject`, { reason: 'no' })).status, 200);
    assert.match(await say('o_cp_2', '审批红包'), /开始，敬请期待/, 'rejected: still held');
    // Back within what was approved: it runs again without asking.
    const lowered = await mia('PUT', `/admin/campaigns/${id}`, {
      ...campaignBody({ trigger: { keywords: ['审批红包'] } }),
      version: (await mia('GET', `/admin/campaigns/${id}`)).body.version,
    });
    assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
    assert.equal(lowered.body.approval.state, 'approved');
    assert.match(await say('o_cp_2', '审批红包'), /抢到/);
  });
});

describe('payout settings', () => {
  test('a change answers 202 and takes effect only when another admin approves; a rejected one never does', async () => {
    const before = (await ada('GET', '/admin/wallet-policy')).body;
    const asked = await ada('PUT', '/admin/wallet-policy', { withdrawMinFen: before.withdrawMinFen + 100 });
    assert.equal(asked.status, 202);
    const a = asked.body.approval as Approval;
    assert.deepEqual([a.kind, a.state, a.approverRoles], ['payout-settings', 'pending', ['admin']]);
    assert.deepEqual((await ada('GET', '/admin/wallet-policy')).body, before, 'unchanged while pending');
    assert.equal((await ada('POST', `/admin/approvals/${a.id}/approve`)).status, 403);
    assert.equal((await max('POST', `/admin/approvals/${a.id}/approve`)).status, 403);
    assert.deepEqual((await ada('GET', '/admin/wallet-policy')).body, before);
    assert.equal((await adam('POST', `/admin/approvals/${a.id}/approve`)).status, 200);
    assert.equal((await ada('GET', '/admin/wallet-policy')).body.withdrawMinFen, before.withdrawMinFen + 100);

    const again = (await ada('PUT', '/admin/wallet-policy', { withdrawMinFen: 5000 })).body.approval as Approval;
    assert.equal((await adam('POST', `/admin/approvals/${again.id}/reject`)).status, 200);
    assert.equal((await ada('GET', '/admin/wallet-policy')).body.withdrawMinFen, before.withdrawMinFen + 100);
  });

  test('every request and decision is in the audit log, refused ones too', async () => {
    const decisions = await auditOf('approvals.approve.post');
    assert.ok(decisions.some((e) => e.actor.username === 'adam@example.com' && e.status === 200 && e.approvalId));
    assert.ok(decisions.some((e) => e.actor.username === 'ada@example.com' && e.status === 403 && e.outcome === 'refused'));
    const rejects = await auditOf('approvals.reject.post');
    assert.ok(rejects.some((e) => e.actor.username === 'otto@example.com' && (e.after as { approval: Approval }).approval.reason === 'too many'));
    const held = (await auditOf('wallet-policy.put')).find((e) => e.status === 202)!;
    assert.ok(held.approvalId);
    assert.ok((await auditOf('broadcasts.post')).some((e) => e.approvalId && e.actor.username === 'ola@example.com'));
  });
});
