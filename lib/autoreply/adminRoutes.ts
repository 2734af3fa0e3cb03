import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { createdResponse, noContentResponse, okResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { createRule, deleteRule, listRules, replaceRule, tryMessage } from './manageRules';
import { ruleInputSchema } from './rule';
import type { RuleStore } from './ruleStore';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _ (1–64)');
export const createSchema = ruleInputSchema.extend({ id: idSchema.optional() });
export const trySchema = z
  .object({ text: z.string().max(2048).optional(), event: z.literal('subscribe').optional() })
  .refine((v) => v.text !== undefined || v.event, {
    message: 'give text or event',
  });

export function autoreplyRoutes(ports: { rules: RuleStore; clock: Clock; timeZone: string }): Route[] {
  return [
    { method: 'GET', path: '/admin/autoreply-rules', roles: ['operator', 'marketer', 'agent'], run: async () => okResponse(await listRules(ports)) },
    {
      method: 'POST',
      path: '/admin/autoreply-rules',
      roles: ['operator'],
      run: (req) => withBody(createSchema, req.body, async ({ id, ...input }) => respond(await createRule(ports, id, input), createdResponse)),
    },
    {
      method: 'PUT',
      path: '/admin/autoreply-rules/{id}',
      roles: ['operator'],
      run: (req) => withBody(ruleInputSchema, req.body, async (input) => respond(await replaceRule(ports, req.params.id!, input))),
    },
    {
      method: 'DELETE',
      path: '/admin/autoreply-rules/{id}',
      roles: ['operator'],
      run: async (req) => respond(await deleteRule(ports, req.params.id!), noContentResponse),
    },
    {
      method: 'POST',
      path: '/admin/autoreply-rules/try',
      audit: { changes: false },
      roles: ['operator'],
      run: (req) => withBody(trySchema, req.body, async (message) => okResponse(await tryMessage(ports, message))),
    },
  ];
}
