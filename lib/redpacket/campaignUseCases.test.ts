import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import { DEFAULT_LEVELS } from '../levels/levels';
import type { CampaignConfig, CampaignRecord } from './campaignRecord';
import type { CampaignStore } from './campaignStore';
import { changeCampaignState } from './changeCampaignState';
import { previewSplit } from './readCampaigns';
import { createCampaign, saveCampaign, type SaveCampaignPorts } from './saveCampaign';

// Use cases against an in-memory store: no table, no HTTP.
function memoryCampaigns(): CampaignStore & { byId: Map<string, CampaignRecord> } {
  const byId = new Map<string, CampaignRecord>();
  return {
    byId,
    list: async () => [...byId.values()],
    get: async (id) => byId.get(id),
    create: async (c) => {
      if (byId.has(c.id)) return false;
      byId.set(c.id, c);
      return true;
    },
    save: async (c, readVersion) => {
      if (byId.get(c.id)?.version !== readVersion) return 'conflict';
      byId.set(c.id, c);
      return 'saved';
    },
  };
}

const config = (over: Partial<CampaignConfig> = {}): CampaignConfig => ({
  name: '每日红烧肉红包',
  trigger: { keywords: ['红包'] },
  schedule: { timezone: 'Asia/Shanghai', daily: { start: '11:30', end: '11:40' }, from: '2026-12-01', to: '2026-12-07' },
  round: { packets: 5, totalFen: 500, split: 'equal', minFen: 100, maxFen: 100 },
  eligibility: { perMemberPerRound: 1, perMemberPerDay: 1 },
  levelMultipliers: {},
  payout: { mode: 'wallet' },
  ...over,
});

function ports() {
  const campaigns = memoryCampaigns();
  const closed: [string, string][] = [];
  let changes = 0;
  const p = {
    campaigns,
    clock: fixedClock(Date.parse('2026-12-02T03:35:00Z')), // 11:35 in Shanghai: day 2's round is open
    rounds: { rounds: async () => [], reservedFen: async () => 0 },
    couponTemplate: async () => undefined,
    levels: async () => DEFAULT_LEVELS,
    changed: () => void changes++,
    closeRound: async (campaignId: string, day: string) => void closed.push([campaignId, day]),
  } satisfies SaveCampaignPorts & Record<string, unknown>;
  return { p, campaigns, closed, changes: () => changes };
}

test('a new campaign is a draft at version 1; a refused rule or budget is invalid and stores nothing', async () => {
  const { p, campaigns, changes } = ports();
  const made = await createCampaign(p, config());
  assert.ok(made.ok);
  assert.equal(made.value.state, 'draft');
  assert.equal(made.value.status, 'draft');
  assert.equal(made.value.version, 1);
  assert.equal(changes(), 1);

  const sharing = await createCampaign(p, config({ mechanics: { type: 'assist' } }));
  assert.ok(!sharing.ok);
  assert.equal(sharing.error.kind, 'invalid');
  assert.match(sharing.error.message, /^mechanics/);
  assert.ok(Array.isArray(sharing.error.details?.refusals));

  const poor = await createCampaign(p, config({ budget: { maxFenPerRound: 100 } }));
  assert.ok(!poor.ok);
  assert.equal(poor.error.kind, 'invalid');
  assert.match(poor.error.message, /^budget\./);
  assert.equal(campaigns.byId.size, 1);
});

test('saving names the version it read: a stale version, a closed campaign, an unknown id are refused', async () => {
  const { p, campaigns } = ports();
  const made = await createCampaign(p, config());
  assert.ok(made.ok);
  const saved = await saveCampaign(p, made.value.id, config({ name: '新名字' }), 1);
  assert.ok(saved.ok);
  assert.equal(saved.value.version, 2);
  assert.equal(saved.value.config.name, '新名字');

  const stale = await saveCampaign(p, made.value.id, config(), 1);
  assert.deepEqual(stale, { ok: false, error: { kind: 'conflict', message: 'version 1 is stale; the campaign is at version 2' } });
  assert.equal(campaigns.byId.get(made.value.id)!.config.name, '新名字');
  assert.deepEqual(await saveCampaign(p, 'c-none', config(), undefined), { ok: false, error: { kind: 'not-found', message: 'campaign c-none not found' } });

  assert.ok((await changeCampaignState(p, made.value.id, 'close')).ok);
  const closed = await saveCampaign(p, made.value.id, config(), undefined);
  assert.ok(!closed.ok);
  assert.equal(closed.error.kind, 'conflict');
  assert.match(closed.error.message, /closed/);
});

test('a live campaign may not take a keyword another live campaign answers on overlapping days', async () => {
  const { p } = ports();
  const first = await createCampaign(p, config());
  const second = await createCampaign(p, config({ trigger: { keywords: ['红包'] }, schedule: { ...config().schedule, from: '2026-12-05', to: '2026-12-09' } }));
  assert.ok(first.ok && second.ok);
  assert.ok((await changeCampaignState(p, first.value.id, 'schedule')).ok);
  const clash = await changeCampaignState(p, second.value.id, 'schedule');
  assert.ok(!clash.ok);
  assert.equal(clash.error.kind, 'conflict');
  assert.match(clash.error.message, new RegExp(`keyword "红包" is already the trigger of campaign ${first.value.id}`));
  // Another keyword: no clash.
  assert.ok((await saveCampaign(p, second.value.id, config({ trigger: { keywords: ['抢'] } }), undefined)).ok);
  assert.ok((await changeCampaignState(p, second.value.id, 'schedule')).ok);
});

test('closing a campaign closes the round open now; an impossible step is a conflict naming the status', async () => {
  const { p, closed } = ports();
  const made = await createCampaign(p, config());
  assert.ok(made.ok);
  const pause = await changeCampaignState(p, made.value.id, 'pause');
  assert.deepEqual(pause, {
    ok: false,
    error: { kind: 'conflict', message: 'only a scheduled or running campaign can be paused; this campaign is draft', details: { status: 'draft' } },
  });
  const running = await changeCampaignState(p, made.value.id, 'schedule');
  assert.ok(running.ok);
  assert.equal(running.value.status, 'running');
  assert.deepEqual(closed, []);
  const done = await changeCampaignState(p, made.value.id, 'close');
  assert.ok(done.ok);
  assert.equal(done.value.state, 'closed');
  assert.equal(done.value.closedAt, '2026-12-02T03:35:00.000Z');
  assert.deepEqual(closed, [[made.value.id, '2026-12-02']]);
  assert.equal((await changeCampaignState(p, 'c-none', 'close')).ok, false);
});

test('a split preview names the field it cannot split', () => {
  const fine = previewSplit({ packets: 3, totalFen: 300, split: 'equal', minFen: 100, maxFen: 100 }, 2);
  assert.deepEqual(fine, {
    ok: true,
    value: {
      samples: [
        [100, 100, 100],
        [100, 100, 100],
      ],
    },
  });
  const bad = previewSplit({ packets: 3, totalFen: 100, split: 'lucky', minFen: 100, maxFen: 200 }, 2);
  assert.ok(!bad.ok);
  assert.equal(bad.error.kind, 'invalid');
  assert.match(bad.error.message, /^round\.\w+: /);
});
