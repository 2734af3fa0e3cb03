import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inboxIndexKeys, type Handoff } from '../../lib/handoff/handoff';
import type { Table } from '../../lib/store/dynamo';
import { memberKey, updateExpression } from '../../lib/table';

/**
 * Puts a conversation on a member's profile as the callback leaves it when the follower asks for a
 * person (or as a claim leaves it, with `assignee`): the handoff, `waitingSince` and the inbox index.
 */
export async function setConversation(table: Table, openid: string, over: Partial<Handoff> & { waitingSince?: string } = {}): Promise<Handoff> {
  const { waitingSince, ...rest } = over;
  const at = rest.requestedAt ?? new Date().toISOString();
  const handoff: Handoff = { state: 'waiting', via: 'keyword', requestedAt: at, lastTeamAt: at, ...rest };
  const parts = updateExpression({
    set: { handoff, ...inboxIndexKeys(openid, handoff), waitingSince: waitingSince ?? (handoff.state === 'closed' ? undefined : at) },
  });
  await table.doc.send(new UpdateCommand({ TableName: table.name, Key: memberKey(openid), ...parts, ConditionExpression: 'attribute_exists(pk)' }));
  return handoff;
}

/** The `sub` of a person's id token (who the admin API takes them for). */
export const subOf = (idToken: string): string => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')).sub;
