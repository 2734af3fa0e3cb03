import { GetCommand, QueryCommand, UpdateCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Member } from '../members/member';
import { isConditionFailure, type Table } from '../store/dynamo';
import { decodeMember, memberKey } from '../table/members';
import { updateExpression } from '../table/update';
import { inboxIndexKeys, INBOX_PREFIX, type Handoff } from './handoff';
import type { InboxStore } from './inboxStore';

/** A cursor that does not decode to a place in the closed conversations. */
export class BadInboxCursor extends Error {}

const INDEX = 'gsi2';
const CLOSED_PK = `${INBOX_PREFIX}closed`;

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
function decodeCursor(cursor: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadInboxCursor('cursor is not one this API gave out');
  }
  const fields = ['pk', 'sk', 'gsi2pk', 'gsi2sk'];
  const valid =
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).length === fields.length &&
    fields.every((f) => typeof (key as Record<string, unknown>)[f] === 'string') &&
    (key as Record<string, string>).gsi2pk === CLOSED_PK;
  if (!valid) throw new BadInboxCursor('cursor is not one this API gave out');
  return key as Record<string, string>;
}

/** The compare-and-set condition: the conversation is as it was read (state, last team action, assignee). */
function asSeen(seen: Handoff | undefined) {
  if (!seen) return { condition: 'attribute_exists(pk) AND attribute_not_exists(handoff)', values: {} };
  const assignee = seen.assignee ? 'handoff.assignee.id = :seenAssignee' : 'attribute_not_exists(handoff.assignee)';
  return {
    condition: `attribute_exists(pk) AND handoff.#state = :seenState AND handoff.lastTeamAt = :seenTeamAt AND ${assignee}`,
    values: { ':seenState': seen.state, ':seenTeamAt': seen.lastTeamAt, ...(seen.assignee ? { ':seenAssignee': seen.assignee.id } : {}) },
  };
}

export function dynamoInbox(table: Table): InboxStore {
  const profile = { TableName: table.name };
  async function update(openid: string, parts: ReturnType<typeof updateExpression>, condition: string): Promise<boolean> {
    try {
      await table.doc.send(new UpdateCommand({ ...profile, Key: memberKey(openid), ...parts, ConditionExpression: condition }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
  async function member(openid: string) {
    const out = await table.doc.send(new GetCommand({ ...profile, Key: memberKey(openid) }));
    return out.Item ? decodeMember(out.Item) : undefined;
  }
  return {
    member,
    async inState(state, max) {
      const members: Member[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out: QueryCommandOutput = await table.doc.send(
          new QueryCommand({
            ...profile,
            IndexName: INDEX,
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': `${INBOX_PREFIX}${state}` },
            Limit: max - members.length,
            ExclusiveStartKey: start,
          }),
        );
        members.push(...(out.Items ?? []).map(decodeMember));
        start = out.LastEvaluatedKey;
      } while (start && members.length < max);
      return members;
    },
    async closed({ cursor, limit }) {
      const out = await table.doc.send(
        new QueryCommand({
          ...profile,
          IndexName: INDEX,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': CLOSED_PK },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
        }),
      );
      const members = (out.Items ?? []).map(decodeMember);
      return { members, ...(out.LastEvaluatedKey ? { cursor: encodeCursor(out.LastEvaluatedKey) } : {}) };
    },
    async replaceHandoff(openid, next, seen) {
      const { condition, values } = asSeen(seen);
      const parts = updateExpression({
        set: { handoff: next, ...inboxIndexKeys(openid, next) },
        remove: next.state === 'closed' ? ['waitingSince'] : [],
        names: seen ? { '#state': 'state' } : {},
        values,
      });
      if (await update(openid, parts, condition)) return 'done';
      return (await member(openid)) ? 'changed' : 'no-member';
    },
    async recordTeamReply(openid, reply) {
      const parts = updateExpression({
        setClauses: ['handoff.lastReply = :reply', 'handoff.lastTeamAt = :at'],
        remove: ['waitingSince'],
        values: { ':reply': reply, ':at': reply.at },
      });
      // A conversation closed meanwhile keeps its state: the reply went out, the history has it.
      await update(openid, parts, 'attribute_exists(handoff)');
    },
    async recordTeamAction(openid, at) {
      const parts = updateExpression({ setClauses: ['handoff.lastTeamAt = :at'], values: { ':at': at, ':closed': 'closed' }, names: { '#state': 'state' } });
      await update(openid, parts, 'attribute_exists(handoff) AND handoff.#state <> :closed');
    },
  };
}
