import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ruleInputSchema } from '../autoreply/rule';
import { dynamoRuleStore } from '../autoreply/ruleStore';
import { menuSchema } from '../menu/menu';
import { dynamoMenuStore } from '../menu/menuStore';
import { isConditionFailure, type Table } from '../store/dynamo';
import { DEMO_SEED_KEY } from '../table';

export const demoConfigSchema = z.object({
  autoreplyRules: z.array(ruleInputSchema.extend({ id: z.string().min(1) })),
  menu: menuSchema,
});

/**
 * Loads the demo configuration once: a marker item written with a condition makes a second start
 * (or two starts at once) leave the table alone, so edits made later are never overwritten.
 */
export async function loadDemoConfig(table: Table, raw: unknown, nowMs: number): Promise<'loaded' | 'already-loaded'> {
  const config = demoConfigSchema.parse(raw);
  try {
    await table.doc.send(
      new PutCommand({ TableName: table.name, Item: { ...DEMO_SEED_KEY, at: new Date(nowMs).toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (err) {
    if (isConditionFailure(err)) return 'already-loaded';
    throw err;
  }
  const rules = dynamoRuleStore(table);
  for (const { id, ...rule } of config.autoreplyRules) await rules.put({ ...rule, id, updatedAt: new Date(nowMs).toISOString() });
  await dynamoMenuStore(table).put(config.menu, nowMs);
  return 'loaded';
}
