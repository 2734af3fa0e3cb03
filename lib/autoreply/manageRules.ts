import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock';
import { conflict, notFound, ok, type Result } from '../result';
import { compileRules, findTextReply, findWelcome } from './engine';
import type { ReplySpec, Rule, RuleInput } from './rule';
import type { RuleStore } from './ruleStore';

type RulePorts = { rules: RuleStore; clock: Clock };

const byPriority = (a: Rule, b: Rule) => a.priority - b.priority || a.id.localeCompare(b.id);
const stamp = (ports: RulePorts, id: string, input: RuleInput): Rule => ({ ...input, id, updatedAt: new Date(ports.clock.now()).toISOString() });
const find = async (ports: Pick<RulePorts, 'rules'>, id: string) => (await ports.rules.list()).find((r) => r.id === id);

/** The rules in the order they are tried. */
export async function listRules(ports: Pick<RulePorts, 'rules'>): Promise<{ rules: Rule[] }> {
  return { rules: (await ports.rules.list()).sort(byPriority) };
}

/** A new rule; without an id it gets a random one, with one it must not exist yet. */
export async function createRule(ports: RulePorts, id: string | undefined, input: RuleInput): Promise<Result<Rule>> {
  const ruleId = id ?? `r-${randomBytes(4).toString('hex')}`;
  if (id && (await find(ports, id))) return conflict(`rule ${id} exists already; use PUT to change it`);
  const rule = stamp(ports, ruleId, input);
  await ports.rules.put(rule);
  return ok(rule);
}

export async function replaceRule(ports: RulePorts, id: string, input: RuleInput): Promise<Result<Rule>> {
  if (!(await find(ports, id))) return notFound(`rule ${id} not found`);
  const rule = stamp(ports, id, input);
  await ports.rules.put(rule);
  return ok(rule);
}

export async function deleteRule(ports: Pick<RulePorts, 'rules'>, id: string): Promise<Result<void>> {
  return (await ports.rules.remove(id)) ? ok(undefined) : notFound(`rule ${id} not found`);
}

/** "Try a message": which rule would answer this text (or a new follower) right now. */
export async function tryMessage(
  ports: RulePorts & { timeZone: string },
  message: { text?: string; event?: 'subscribe' },
): Promise<{ ruleId: string | null; reply: ReplySpec | null }> {
  const compiled = compileRules(await ports.rules.list());
  const when = { nowMs: ports.clock.now(), timeZone: ports.timeZone };
  const found = message.event ? findWelcome(compiled, when) : findTextReply(compiled, message.text ?? '', when);
  return found ? { ruleId: found.rule.id, reply: found.reply } : { ruleId: null, reply: null };
}
