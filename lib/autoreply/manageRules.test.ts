import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import { createRule, deleteRule, listRules, replaceRule, tryMessage } from './manageRules';
import { ruleInputSchema, type Rule } from './rule';
import type { RuleStore } from './ruleStore';

function memoryRules(): RuleStore {
  const byId = new Map<string, Rule>();
  return {
    list: async () => [...byId.values()],
    put: async (rule) => void byId.set(rule.id, rule),
    remove: async (id) => byId.delete(id),
  };
}

const ports = () => ({ rules: memoryRules(), clock: fixedClock(Date.parse('2026-12-02T03:00:00Z')), timeZone: 'Asia/Shanghai' });
const text = (content: string) => ({ type: 'text' as const, content });
const input = (match: unknown, reply: unknown, priority: number) => ruleInputSchema.parse({ match, reply, priority });

test('a rule id is taken once; replacing or deleting an unknown rule is not found', async () => {
  const p = ports();
  const made = await createRule(p, 'opening', input({ type: 'contains', pattern: '营业' }, text('10:00–22:00'), 5));
  assert.ok(made.ok);
  assert.equal(made.value.updatedAt, '2026-12-02T03:00:00.000Z');
  assert.deepEqual(await createRule(p, 'opening', input({ type: 'exact', pattern: 'x' }, text('x'), 100)), {
    ok: false,
    error: { kind: 'conflict', message: 'rule opening exists already; use PUT to change it' },
  });
  const unnamed = await createRule(p, undefined, input({ type: 'exact', pattern: 'hi' }, text('hello'), 1));
  assert.ok(unnamed.ok);
  assert.match(unnamed.value.id, /^r-[0-9a-f]{8}$/);
  assert.deepEqual(
    (await listRules(p)).rules.map((r) => r.id),
    [unnamed.value.id, 'opening'],
    'by priority',
  );

  assert.equal((await replaceRule(p, 'missing', input({ type: 'default' }, text('x'), 100))).ok, false);
  assert.ok((await deleteRule(p, 'opening')).ok);
  assert.deepEqual(await deleteRule(p, 'opening'), { ok: false, error: { kind: 'not-found', message: 'rule opening not found' } });
});

test('trying a message names the rule that would answer, or none', async () => {
  const p = ports();
  await createRule(p, 'opening', input({ type: 'contains', pattern: '营业' }, text('10:00–22:00'), 5));
  assert.deepEqual(await tryMessage(p, { text: '几点营业？' }), { ruleId: 'opening', reply: text('10:00–22:00') });
  assert.deepEqual(await tryMessage(p, { text: '你好' }), { ruleId: null, reply: null });
  assert.deepEqual(await tryMessage(p, { event: 'subscribe' }), { ruleId: null, reply: null });
});
