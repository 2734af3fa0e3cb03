import { ruleInputSchema, type Rule } from '../../lib/autoreply/rule';

/** An auto-reply rule as the admin API would store it (defaults filled in by the schema). */
export function rule(id: string, input: unknown): Rule {
  return { ...ruleInputSchema.parse(input), id, updatedAt: new Date().toISOString() };
}
