import { serviceEventIndex } from '../notices/serviceEvents';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, type Table } from '../store/dynamo';
import { memberItemsPage } from '../store/memberItemsPage';
import { memberKey, toMember } from './dynamoMemberStore';
import { lifetimeDelta, type PointsEntry } from './points';
import type { PointsLedger } from './pointsLedger';

const MAX_ATTEMPTS = 25;

const idemKey = (openid: string, key: string) => ({ pk: `MEMBER#${openid}`, sk: `IDEM#${key}` });

/**
 * One TransactWriteItems per change: the idempotency record (put if absent), the ledger entry and
 * the member's balance (guarded by a version number, so a concurrent change makes us re-read and
 * retry rather than overwrite). A crash anywhere leaves either all three or none.
 */
export function dynamoPointsLedger(table: Table): PointsLedger {
  async function findDuplicate(openid: string, key: string): Promise<PointsEntry | undefined> {
    const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: idemKey(openid, key), ConsistentRead: true }));
    return out.Item?.entry as PointsEntry | undefined;
  }

  return {
    async apply(openid, plan, nowMs) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const read = await table.doc.send(new GetCommand({ TableName: table.name, Key: memberKey(openid), ConsistentRead: true }));
        if (!read.Item) return { status: 'no-member' };
        const version = Number(read.Item.version ?? 0);
        const member = { ...toMember(read.Item), lifetimePoints: Number(read.Item.lifetimePoints ?? 0) };
        const { change, memberSet = {}, puts = [] } = plan(member);
        const balanceAfter = member.points + change.delta;
        if (balanceAfter < 0) {
          // A retry of a change that was applied is a duplicate, not an overdraft. In every other
          // case the transaction's idempotency condition finds duplicates without this extra read.
          const duplicate = await findDuplicate(openid, change.idempotencyKey);
          return duplicate ? { status: 'duplicate', entry: duplicate } : { status: 'insufficient', balance: member.points };
        }
        const lifetimePoints = member.lifetimePoints + lifetimeDelta(change);
        const at = new Date(nowMs).toISOString();
        const entry: PointsEntry = { ...change, openid, at, balanceAfter };
        const setNames: Record<string, string> = {};
        const setValues: Record<string, unknown> = {};
        const extraSets = Object.entries(memberSet).map(([name, value], i) => {
          setNames[`#x${i}`] = name;
          setValues[`:x${i}`] = value;
          return `#x${i} = :x${i}`;
        });
        try {
          await table.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: table.name, Item: { ...idemKey(openid, change.idempotencyKey), entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
                // A sign-in is indexed by time, for "streak about to break" notices (lib/reengage).
                { Put: { TableName: table.name, Item: { pk: `MEMBER#${openid}`, sk: `LEDGER#${at}#${change.idempotencyKey}`, ...entry, ...(change.kind === 'signin' ? serviceEventIndex('SIGNIN', openid, at) : {}) } } },
                {
                  Update: {
                    TableName: table.name,
                    Key: memberKey(openid),
                    UpdateExpression: ['SET points = :points', 'lifetimePoints = :lifetime', 'version = :next', 'updatedAt = :at', ...extraSets].join(', '),
                    ConditionExpression: version === 0 ? 'attribute_not_exists(version)' : 'version = :version',
                    ...(extraSets.length ? { ExpressionAttributeNames: setNames } : {}),
                    ExpressionAttributeValues: { ':points': balanceAfter, ':lifetime': lifetimePoints, ':next': version + 1, ':at': at, ...(version === 0 ? {} : { ':version': version }), ...setValues },
                  },
                },
                ...puts.map((Item) => ({ Put: { TableName: table.name, Item } })),
              ],
            }),
          );
          return { status: 'applied', entry, member: { points: balanceAfter, lifetimePoints, level: String(memberSet.level ?? member.level) } };
        } catch (err) {
          const codes = cancellationCodes(err);
          if (!codes) throw err;
          if (codes[0] === 'ConditionalCheckFailed') {
            const dup = await findDuplicate(openid, change.idempotencyKey);
            if (dup) return { status: 'duplicate', entry: dup };
          }
          // Someone else changed the member (or the transaction conflicted): re-read and try again.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
        }
      }
      throw new Error(`points: gave up after ${MAX_ATTEMPTS} attempts under contention`);
    },

    async list(openid, opts) {
      const page = await memberItemsPage(table, openid, 'LEDGER#', opts);
      return { entries: page.items.map(({ pk: _pk, sk: _sk, gsi1pk: _ipk, gsi1sk: _isk, ...e }) => e as unknown as PointsEntry), cursor: page.cursor };
    },
  };
}

export { BadCursorError } from '../store/memberItemsPage';
