import type { Clock } from '../clock/clock';
import { localParts, parseHhMm } from '../clock/timeZone';
import type { Member } from '../members/member';
import type { MemberNotice, NoticeResult } from '../notices/notifyMember';
import { matchesSegment } from '../segments/segment';
import { fillFacts, type ReengagementRule } from './rule';
import type { TouchStore } from './touchStore';

/** A member a rule may touch, with the facts its notice talks about. */
export interface Candidate {
  openid: string;
  member?: Member;
  facts: Record<string, string>;
  /** Marks the event handled (a pending level-change notice), so it is not picked again. */
  handled?: () => Promise<void>;
}

export interface ReengagePorts {
  rules: () => Promise<ReengagementRule[]>;
  candidates: (rule: ReengagementRule, nowMs: number) => Promise<Candidate[]>;
  members: { get(openid: string): Promise<Member | undefined> };
  touches: TouchStore;
  /** Gives the dormancy benefit; `key` makes a rerun give it once. Returns facts for the notice. */
  grantBenefit: (openid: string, benefit: NonNullable<ReengagementRule['benefit']>, key: string) => Promise<Record<string, string>>;
  notify: (openid: string, notice: MemberNotice) => Promise<NoticeResult>;
  /** Waits for a slot of the shared send rate. */
  pace: () => Promise<void>;
  clock: Clock;
  timeZone: string;
}

export interface RuleRun {
  rule: string;
  candidates: number;
  sent: number;
  done: boolean;
}

/**
 * The minute schedule's re-engagement step. Daily rules run once a day from their `runAt` (local);
 * level changes every minute. A member is claimed per rule before anything is sent (the cooldown
 * item), so a rerun or a second dispatcher never touches them twice; a run cut short by the budget
 * goes on at the next minute.
 */
export async function runReengagement(ports: ReengagePorts, budgetMs: number): Promise<RuleRun[]> {
  const stopAt = performance.now() + budgetMs;
  const now = ports.clock.now();
  const { date: today, minutesOfDay } = localParts(now, ports.timeZone);
  const runs: RuleRun[] = [];
  for (const rule of await ports.rules()) {
    if (!rule.enabled) continue;
    const daily = rule.trigger.type !== 'levelChanged';
    if (daily && (minutesOfDay < parseHhMm(rule.runAt) || (await ports.touches.isRunDone(rule.id, today)))) continue;
    const run: RuleRun = { rule: rule.id, candidates: 0, sent: 0, done: false };
    runs.push(run);
    const candidates = await ports.candidates(rule, now);
    run.candidates = candidates.length;
    let i = 0;
    for (; i < candidates.length && performance.now() < stopAt; i++) {
      if ((await touch(ports, rule, candidates[i]!, now, today)) === 'sent') run.sent++;
    }
    run.done = i === candidates.length;
    if (run.done && daily) await ports.touches.markRunDone(rule.id, today, now);
  }
  return runs;
}

async function touch(ports: ReengagePorts, rule: ReengagementRule, c: Candidate, now: number, today: string): Promise<'sent' | 'skipped' | 'failed'> {
  const member = c.member ?? (await ports.members.get(c.openid));
  if (!member?.subscribed || member.openidFlagged || (rule.segment && !matchesSegment(rule.segment, member, now))) {
    await c.handled?.();
    return 'skipped';
  }
  if (!(await ports.touches.claimMember(rule.id, c.openid, now, rule.cooldownDays))) {
    await c.handled?.();
    return 'skipped';
  }
  const facts = { ...c.facts, ...(rule.benefit ? await ports.grantBenefit(c.openid, rule.benefit, `reengage:${rule.id}:${today}`) : {}) };
  const notice: MemberNotice = {
    text: fillFacts(rule.notice.text, facts),
    ...(rule.notice.template
      ? {
          template: {
            templateId: rule.notice.template.templateId,
            url: rule.notice.template.url,
            data: Object.fromEntries(Object.entries(rule.notice.template.data).map(([k, v]) => [k, { value: fillFacts(v, facts) }])),
          },
        }
      : {}),
    clientMsgId: `re-${rule.id}-${today}-${c.openid}`.slice(0, 64),
    by: { kind: 'reengagement', id: rule.id },
  };
  await ports.pace();
  const result = await ports.notify(c.openid, notice);
  const outcome = 'sent' in result ? 'sent' : 'failed' in result ? 'failed' : 'skipped';
  await ports.touches.recordTouch(rule.id, c.openid, outcome, now, rule.attributionDays);
  await c.handled?.();
  return outcome;
}
