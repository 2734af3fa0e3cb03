import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { json } from '../http/response';
import { notFound, withBody, type Route } from '../http/router';
import { compileRules, findTextReply, findWelcome } from './engine';
import { ruleInputSchema, type Rule } from './rule';
import type { RuleStore } from './ruleStore';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _ (1–64)');
export const createSchema = ruleInputSchema.extend({ id: idSchema.optional() });
export const trySchema = z.object({ text: z.string().max(2048).optional(), event: z.literal('subscribe').optional() }).refine((v) => v.text !== undefined || v.event, {
  message: 'give text or event',
});

const byPriority = (a: Rule, b: Rule) => a.priority - b.priority || a.id.localeCompare(b.id);

export function autoreplyRoutes(ports: { rules: RuleStore; clock: Clock; timeZone: string }): Route[] {
  const stamp = (id: string, input: z.infer<typeof ruleInputSchema>): Rule => ({ ...input, id, updatedAt: new Date(ports.clock.now()).toISOString() });
  const find = async (id: string) => (await ports.rules.list()).find((r) => r.id === id);
  return [
    {
      method: 'GET',
      path: '/admin/autoreply-rules',
      run: async () => json(200, { rules: (await ports.rules.list()).sort(byPriority) }),
    },
    {
      method: 'POST',
      path: '/admin/autoreply-rules',
      run: (req) =>
        withBody(createSchema, req.body, async ({ id, ...input }) => {
          const ruleId = id ?? `r-${randomBytes(4).toString('hex')}`;
          if (id && (await find(id))) return json(409, { error: `rule ${id} exists already; use PUT to change it` });
          const rule = stamp(ruleId, input);
          await ports.rules.put(rule);
          return json(201, rule);
        }),
    },
    {
      method: 'PUT',
      path: '/admin/autoreply-rules/{id}',
      run: (req) =>
        withBody(ruleInputSchema, req.body, async (input) => {
          if (!(await find(req.params.id!))) return notFound(`rule ${req.params.id}`);
          const rule = stamp(req.params.id!, input);
          await ports.rules.put(rule);
          return json(200, rule);
        }),
    },
    {
      method: 'DELETE',
      path: '/admin/autoreply-rules/{id}',
      run: async (req) => ((await ports.rules.remove(req.params.id!)) ? { statusCode: 204, body: '' } : notFound(`rule ${req.params.id}`)),
    },
    {
      // "Try a message": which rule would answer this text right now.
      method: 'POST',
      path: '/admin/autoreply-rules/try',
      run: (req) =>
        withBody(trySchema, req.body, async (input) => {
          const compiled = compileRules(await ports.rules.list());
          const when = { nowMs: ports.clock.now(), timeZone: ports.timeZone };
          const found = input.event ? findWelcome(compiled, when) : findTextReply(compiled, input.text ?? '', when);
          return json(200, found ? { ruleId: found.rule.id, reply: found.reply } : { ruleId: null, reply: null });
        }),
    },
  ];
}
