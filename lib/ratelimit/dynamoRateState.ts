import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, putIf, type Table } from '../store/dynamo';
import { rateStateKey as key } from '../table';
import type { RateState } from './rateLimiter';

/** Writes made and conditions that failed (for benchmarks: an idle bucket two workers woke at once). */
export interface RateStateCounts {
  writes: number;
  conflicts: number;
}

/**
 * The limiter's one number per limit. A busy bucket (tat at or past the floor) is moved on with an
 * atomic `SET tat = tat + cost`, so a crowd of workers never loses races; only an idle or new bucket
 * is set with a conditional put. tat only ever grows, so after a lost put the update succeeds: at
 * most three writes, whatever the contention.
 */
export function dynamoRateState(table: Table, counts?: RateStateCounts): RateState {
  const wrote = (conflict: boolean) => {
    if (!counts) return;
    counts.writes++;
    if (conflict) counts.conflicts++;
  };
  return {
    async advance(name, floor, cost) {
      for (;;) {
        try {
          const out = await table.doc.send(
            new UpdateCommand({
              TableName: table.name,
              Key: key(name),
              UpdateExpression: 'SET tat = tat + :cost',
              ConditionExpression: 'tat >= :floor',
              ExpressionAttributeValues: { ':cost': cost, ':floor': floor },
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          wrote(false);
          return Number(out.Attributes!.tat) - cost;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          wrote(true);
        }
        // Idle since before the floor (or never used): the reservation starts at the floor.
        const started = await putIf(table, { ...key(name), tat: floor + cost }, 'attribute_not_exists(pk) OR tat < :floor', { ':floor': floor });
        wrote(!started);
        if (started) return floor;
      }
    },
  };
}
