import { RE2JS } from 're2js';
import { isWithinDailyWindow } from '../clock/timeZone';
import type { ReplySpec, Rule } from './rule';

/** Rules compiled once per cache refresh, not per message. */
export interface CompiledRules {
  keyword: { rule: Rule; test: (text: string) => boolean }[];
  subscribe: Rule[];
  fallback: Rule[];
}

/** Longer texts are cut before matching: keywords live at the start of what followers type. */
const MAX_MATCH_LENGTH = 600;

function byPriority(a: Rule, b: Rule): number {
  return a.priority - b.priority || a.id.localeCompare(b.id);
}

function matcher(rule: Rule): ((text: string) => boolean) | undefined {
  const m = rule.match;
  if (m.type === 'subscribe' || m.type === 'default') return undefined;
  const fold = !m.caseSensitive;
  if (m.type === 'regex') {
    const re = RE2JS.compile(m.pattern, fold ? RE2JS.CASE_INSENSITIVE : 0);
    return (text) => re.matcher(text).find();
  }
  const pattern = fold ? m.pattern.toLowerCase() : m.pattern;
  if (m.type === 'exact') return (text) => (fold ? text.toLowerCase() : text) === pattern;
  return (text) => (fold ? text.toLowerCase() : text).includes(pattern);
}

export function compileRules(rules: readonly Rule[]): CompiledRules {
  const enabled = rules.filter((r) => r.enabled).sort(byPriority);
  return {
    keyword: enabled.flatMap((rule) => {
      const test = matcher(rule);
      return test ? [{ rule, test }] : [];
    }),
    subscribe: enabled.filter((r) => r.match.type === 'subscribe'),
    fallback: enabled.filter((r) => r.match.type === 'default'),
  };
}

export interface When {
  nowMs: number;
  timeZone: string;
}

function isActive(rule: Rule, when: When): boolean {
  return !rule.activeHours || isWithinDailyWindow(when.nowMs, when.timeZone, rule.activeHours.start, rule.activeHours.end);
}

/** The first active keyword rule that matches, else the first active default rule. */
export function findTextReply(rules: CompiledRules, text: string, when: When): { rule: Rule; reply: ReplySpec } | undefined {
  const input = text.trim().slice(0, MAX_MATCH_LENGTH);
  for (const { rule, test } of rules.keyword) {
    if (isActive(rule, when) && test(input)) return { rule, reply: rule.reply };
  }
  return findDefaultReply(rules, when);
}

/** The first active default rule: the answer to anything no keyword rule takes (text, image, voice…). */
export function findDefaultReply(rules: CompiledRules, when: When): { rule: Rule; reply: ReplySpec } | undefined {
  const fallback = rules.fallback.find((r) => isActive(r, when));
  return fallback && { rule: fallback, reply: fallback.reply };
}

export function findWelcome(rules: CompiledRules, when: When): { rule: Rule; reply: ReplySpec } | undefined {
  const rule = rules.subscribe.find((r) => isActive(r, when));
  return rule && { rule, reply: rule.reply };
}
