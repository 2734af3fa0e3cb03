import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { json, type HttpResult } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import { approveBudget, type BudgetApprovalPorts } from './approveBudget';
import { campaignSchema } from './campaign';
import { applyLifecycle, isLive, statusOf, type CampaignRecord, type LifecycleAction } from './campaignRecord';
import type { CampaignStore } from './campaignStore';
import { checkCompliance, type ComplianceReport } from './compliance';
import { campaignReport, type ReportPorts } from './report';
import { roundAt } from './roundSchedule';
import { splitRound } from './splitRound';

export interface CampaignAdminPorts extends ReportPorts, Omit<BudgetApprovalPorts, 'rounds'> {
  campaigns: CampaignStore;
  clock: Clock;
  /** Closes the round open now (a campaign closed mid-round returns what is left). */
  closeRound: (campaignId: string, day: string) => Promise<unknown>;
  /** Called after every change so this container's grab path sees it at once. */
  changed?: () => void;
}

/** POST and PUT /admin/campaigns (exported for the console's types). */
export const saveSchema = campaignSchema.and(z.object({ version: z.number().int().min(1).optional() }));
export const splitPreviewSchema = z.object({ round: campaignSchema.shape.round, samples: z.number().int().min(1).max(20).default(3) });

const newId = () => `c${randomBytes(6).readUIntBE(0, 6).toString(36).padStart(10, '0')}`;

const view = (c: CampaignRecord, nowMs: number) => ({ ...c, status: statusOf(c, nowMs) });

/** Two live campaigns must not answer the same keyword or menu key on overlapping days. */
function triggerClash(c: Pick<CampaignRecord, 'id' | 'config'>, others: CampaignRecord[], nowMs: number): string | undefined {
  const words = new Set((c.config.trigger.keywords ?? []).map((k) => k.toLowerCase()));
  for (const o of others) {
    if (o.id === c.id || !isLive(o, nowMs)) continue;
    const overlap = o.config.schedule.from <= c.config.schedule.to && c.config.schedule.from <= o.config.schedule.to;
    if (!overlap) continue;
    const word = (o.config.trigger.keywords ?? []).find((k) => words.has(k.toLowerCase()));
    if (word) return `keyword "${word}" is already the trigger of campaign ${o.id} (${o.config.name}) on overlapping days`;
    if (c.config.trigger.menuKey && o.config.trigger.menuKey === c.config.trigger.menuKey) return `menuKey ${c.config.trigger.menuKey} is already the trigger of campaign ${o.id} (${o.config.name}) on overlapping days`;
  }
  return undefined;
}

/** A budget that cannot be approved: a 400 naming the field, as a schema error would. */
const budgetRefused = (issues: { path: string; message: string }[]) => json(400, { error: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues });

/** Schema errors first, then WeChat's rules: a refusal names the rule and the field. */
function refused({ refusals }: ComplianceReport): HttpResult | undefined {
  if (!refusals.length) return undefined;
  return json(400, {
    error: refusals.map((r) => `${r.path}: ${r.rule} — ${r.message}`).join('; '),
    issues: refusals.map((r) => ({ path: r.path, message: `${r.rule}: ${r.message}`, rule: r.rule })),
    refusals,
  });
}

export function campaignRoutes(ports: CampaignAdminPorts): Route[] {
  const now = () => ports.clock.now();
  const load = async (id: string) => ports.campaigns.get(id);

  async function transition(id: string, action: LifecycleAction): Promise<HttpResult> {
    const c = await load(id);
    if (!c) return notFound(`campaign ${id}`);
    const next = applyLifecycle(c, action);
    if ('error' in next) return json(409, { error: next.error, status: statusOf(c, now()) });
    const updated: CampaignRecord = { ...c, state: next.state, version: c.version + 1, updatedAt: new Date(now()).toISOString(), ...(next.state === 'closed' ? { closedAt: new Date(now()).toISOString() } : {}) };
    if (next.state === 'active') {
      const clash = triggerClash(updated, await ports.campaigns.list(), now());
      if (clash) return json(409, { error: clash });
    }
    if ((await ports.campaigns.save(updated, c.version)) === 'conflict') return json(409, { error: 'the campaign changed meanwhile; read it again' });
    ports.changed?.();
    if (next.state === 'closed') {
      const at = roundAt(c.config.schedule, now());
      await ports.closeRound(c.id, at.day);
    }
    return json(200, view(updated, now()));
  }

  return [
    { method: 'GET', path: '/admin/schemas/campaign', run: async () => json(200, z.toJSONSchema(campaignSchema, { io: 'input', unrepresentable: 'any' }) as object) },
    {
      method: 'GET',
      path: '/admin/campaigns',
      run: async () => json(200, { campaigns: (await ports.campaigns.list()).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((c) => view(c, now())) }),
    },
    {
      method: 'POST',
      path: '/admin/campaigns/preview-split',
      run: (req) =>
        withBody(splitPreviewSchema, req.body, async ({ round, samples }) => {
          const out = Array.from({ length: samples }, () => splitRound(round));
          const first = out[0]!;
          if (!first.ok) return json(400, { error: `round.${first.field}: ${first.error}`, issues: [{ path: `round.${first.field}`, message: first.error }] });
          return json(200, { samples: out.map((s) => (s.ok ? s.shares : [])) });
        }),
    },
    {
      method: 'POST',
      path: '/admin/campaigns',
      run: (req) =>
        withBody(saveSchema, req.body, async ({ version: _v, ...input }) => {
          const compliance = checkCompliance(input);
          const no = refused(compliance);
          if (no) return no;
          const budget = await approveBudget(ports, input, undefined, now());
          if (!budget.ok) return budgetRefused(budget.issues);
          const at = new Date(now()).toISOString();
          const c: CampaignRecord = { id: newId(), state: 'draft', config: budget.config, version: 1, warnings: [...compliance.warnings, ...budget.warnings], createdAt: at, updatedAt: at };
          if (!(await ports.campaigns.create(c))) return json(409, { error: 'campaign id collision, try again' });
          ports.changed?.();
          return json(201, view(c, now()));
        }),
    },
    {
      method: 'GET',
      path: '/admin/campaigns/{id}',
      run: async (req) => {
        const c = await load(req.params.id!);
        return c ? json(200, view(c, now())) : notFound(`campaign ${req.params.id}`);
      },
    },
    {
      method: 'PUT',
      path: '/admin/campaigns/{id}',
      run: (req) =>
        withBody(saveSchema, req.body, async ({ version, ...input }) => {
          const c = await load(req.params.id!);
          if (!c) return notFound(`campaign ${req.params.id}`);
          if (c.state === 'closed') return json(409, { error: 'the campaign is closed; closed campaigns cannot change' });
          if (version !== undefined && version !== c.version) return json(409, { error: `version ${version} is stale; the campaign is at version ${c.version}` });
          const compliance = checkCompliance(input);
          const no = refused(compliance);
          if (no) return no;
          // A live campaign's rounds reserved part of the total already: the new budget must still afford the days left.
          const budget = await approveBudget(ports, input, c, now());
          if (!budget.ok) return budgetRefused(budget.issues);
          const updated: CampaignRecord = { ...c, config: budget.config, version: c.version + 1, warnings: [...compliance.warnings, ...budget.warnings], updatedAt: new Date(now()).toISOString() };
          if (c.state !== 'draft') {
            const clash = triggerClash(updated, await ports.campaigns.list(), now());
            if (clash) return json(409, { error: clash });
          }
          if ((await ports.campaigns.save(updated, c.version)) === 'conflict') return json(409, { error: 'the campaign changed meanwhile; read it again' });
          ports.changed?.();
          // Rounds already open keep the snapshot they opened with; the change applies from the next round.
          return json(200, view(updated, now()));
        }),
    },
    ...(['schedule', 'pause', 'resume', 'close'] as const).map(
      (action): Route => ({ method: 'POST', path: `/admin/campaigns/{id}/${action}`, run: (req) => transition(req.params.id!, action) }),
    ),
    {
      method: 'GET',
      path: '/admin/campaigns/{id}/report',
      run: async (req) => {
        const c = await load(req.params.id!);
        return c ? json(200, await campaignReport(ports, c, now())) : notFound(`campaign ${req.params.id}`);
      },
    },
  ];
}

