import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { putIf, type Table } from '../store/dynamo';
import type { RateState } from './rateLimiter';

const key = (name: string) => ({ pk: `RATE#${name}`, sk: 'STATE' });

/** The limiter's one number per limit, swapped with a conditional put. */
export function dynamoRateState(table: Table): RateState {
  return {
    async read(name) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(name), ConsistentRead: true }));
      return typeof out.Item?.tat === 'number' ? out.Item.tat : undefined;
    },
    swap: (name, expected, next) =>
      expected === undefined ? putIf(table, { ...key(name), tat: next }, 'attribute_not_exists(pk)') : putIf(table, { ...key(name), tat: next }, 'tat = :t', { ':t': expected }),
  };
}
