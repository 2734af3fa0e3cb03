import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { memberKey, updateExpression } from '../table';
import type { HandoffRequests } from './requestHandoff';
import { waitingConversation } from './requestHandoff';

/**
 * Handoff requests on the member's profile: one UpdateItem of named attributes (the conversation,
 * waitingSince, the inbox index keys), guarded by the conversation the callback read so an agent's
 * claim in between is not overwritten.
 */
export function dynamoHandoffRequests(table: Table): HandoffRequests {
  return {
    async open(openid, handoff, seen) {
      const guard = seen
        ? {
            ConditionExpression: '#h.#state = :seenState AND #h.lastTeamAt = :seenTeamAt',
            values: { ':seenState': seen.state, ':seenTeamAt': seen.lastTeamAt },
          }
        : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#h)', values: {} };
      const update = updateExpression({
        set: waitingConversation(openid, handoff),
        names: seen ? { '#h': 'handoff', '#state': 'state' } : { '#h': 'handoff' },
        values: guard.values,
      });
      try {
        await table.doc.send(new UpdateCommand({ TableName: table.name, Key: memberKey(openid), ...update, ConditionExpression: guard.ConditionExpression }));
        return 'opened';
      } catch (err) {
        if (isConditionFailure(err)) return 'changed';
        throw err;
      }
    },
  };
}
