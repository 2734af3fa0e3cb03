import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHandlers } from './support/handlers';
import { campaignBody } from './support/campaigns';
import { useTestTable } from './support/testTable';

// Marketers' side of campaigns through the real admin handler: validation, WeChat's rules,
// lifecycle, optimistic saves and trigger clashes.
let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  await useTestTable();
  handlers = await loadHandlers();
});

const admin = (method: string, path: string, body?: unknown) => handlers.admin(method, path, body);

test('a campaign is created as a draft with its compliance warnings, and read back', async () => {
  const created = await admin('POST', '/admin/campaigns', campaignBody({ notices: { prize: '限时优惠：你获得手气最佳' } }));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.body.id, /^c[0-9a-z]{10}$/);
  assert.equal(created.body.status, 'draft');
  assert.equal(created.body.version, 1);
  // The notice reads like marketing; the budget (none given: shares + prize) leaves no room for the 金卡 bonus.
  assert.deepEqual(
    created.body.warnings.map((w: { path: string }) => w.path),
    ['notices.prize', 'budget.maxFenPerRound'],
  );
  assert.match(
    created.body.warnings[1].message,
    /no room for level bonuses: members with a multiplier \(up to ×2\) get none; a cap of 5500 fen a round pays them all/,
  );
  const got = await admin('GET', `/admin/campaigns/${created.body.id}`);
  assert.equal(got.body.config.round.totalFen, 2000);
  assert.ok((await admin('GET', '/admin/campaigns')).body.campaigns.some((c: { id: string }) => c.id === created.body.id));
});

test("WeChat's rules: a follow reward, gift boxes and share-to-win wording are refused with the rule named", async () => {
  const follow = await admin('POST', '/admin/campaigns', campaignBody({ trigger: { event: 'subscribe' } }));
  assert.equal(follow.status, 400);
  assert.match(follow.body.error, /^trigger\.event: 诱导关注/);
  assert.equal(follow.body.refusals[0].path, 'trigger.event');
  const giftBox = await admin('POST', '/admin/campaigns', campaignBody({ mechanics: { type: 'giftBox' } }));
  assert.equal(giftBox.status, 400);
  assert.match(giftBox.body.error, /mechanics\.type: 诱导分享：好友拆礼盒/);
  const wording = await admin('POST', '/admin/campaigns', campaignBody({ name: '集赞领红包' }));
  assert.equal(wording.status, 400);
  assert.match(wording.body.error, /^name: 诱导分享：集赞/);
});

test('impossible rounds and payout limits are 400s naming the field', async () => {
  const tooMuch = await admin('POST', '/admin/campaigns', campaignBody({ round: { packets: 20, totalFen: 100, split: 'lucky', minFen: 10, maxFen: 500 } }));
  assert.equal(tooMuch.status, 400);
  assert.match(tooMuch.body.error, /round\.totalFen: 20 packets of at least 10 fen need 200 fen/);
  const redpack = await admin('POST', '/admin/campaigns', campaignBody({ payout: { mode: 'redpack' } }));
  assert.equal(redpack.status, 400);
  assert.match(redpack.body.error, /round\.minFen: redpack payouts start at 100 fen/);
  const missing = await admin('POST', '/admin/campaigns', { name: 'x' });
  assert.equal(missing.status, 400);
  for (const field of ['trigger', 'schedule', 'round', 'payout']) assert.match(missing.body.error, new RegExp(`(^|; )${field}:`), field);
});

test('the JSON Schema is published, and a sample split can be previewed', async () => {
  const schema = await admin('GET', '/admin/schemas/campaign');
  assert.equal(schema.status, 200);
  assert.deepEqual(schema.body.properties.round.properties.split.enum, ['lucky', 'equal']);
  const preview = await admin('POST', '/admin/campaigns/preview-split', {
    round: { packets: 5, totalFen: 100, split: 'lucky', minFen: 10, maxFen: 50 },
    samples: 2,
  });
  assert.equal(preview.status, 200);
  for (const s of preview.body.samples)
    assert.equal(
      s.reduce((a: number, b: number) => a + b, 0),
      100,
    );
  assert.equal(
    (await admin('POST', '/admin/campaigns/preview-split', { round: { packets: 5, totalFen: 10, split: 'lucky', minFen: 10, maxFen: 50 } })).status,
    400,
  );
});

test('lifecycle through the API, with stale saves and trigger clashes refused', async () => {
  const c = (await admin('POST', '/admin/campaigns', campaignBody({ trigger: { keywords: ['抢红包'] } }))).body;
  const id = c.id as string;
  assert.equal((await admin('POST', `/admin/campaigns/${id}/pause`)).status, 409, 'a draft cannot be paused');
  const scheduled = await admin('POST', `/admin/campaigns/${id}/schedule`);
  assert.equal(scheduled.status, 200);
  assert.equal(scheduled.body.status, 'running', 'its round is open today');
  assert.equal((await admin('POST', `/admin/campaigns/${id}/pause`)).body.status, 'paused');
  assert.equal((await admin('POST', `/admin/campaigns/${id}/resume`)).body.status, 'running');

  const stale = await admin('PUT', `/admin/campaigns/${id}`, { ...campaignBody({ trigger: { keywords: ['抢红包'] } }), version: 1 });
  assert.equal(stale.status, 409);
  assert.match(stale.body.error, /version 1 is stale/);

  const other = (await admin('POST', '/admin/campaigns', campaignBody({ trigger: { keywords: ['抢红包'] } }))).body;
  const clash = await admin('POST', `/admin/campaigns/${other.id}/schedule`);
  assert.equal(clash.status, 409);
  assert.match(clash.body.error, /keyword "抢红包" is already the trigger of campaign/);

  assert.equal((await admin('POST', `/admin/campaigns/${id}/close`)).body.status, 'closed');
  assert.equal((await admin('PUT', `/admin/campaigns/${id}`, campaignBody())).status, 409, 'closed is final');
  assert.equal((await admin('POST', `/admin/campaigns/${id}/resume`)).status, 409);
  assert.equal((await admin('POST', `/admin/campaigns/${other.id}/schedule`)).status, 200, 'the keyword is free once the first campaign closed');
  assert.equal((await admin('GET', '/admin/campaigns/cnope00000')).status, 404);
});
