import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';
import { memberItemsPage } from '../store/memberItemsPage';
import {
  decodeIdempotencyRecord,
  decodeMember,
  decodePointsEntry,
  LEDGER_PREFIX,
  ledgerEntryKey,
  memberKey,
  pointsIdempotencyKey,
  serviceEventIndex,
  transactWrite,
  updateExpression,
  versionGuard,
} from '../table';
import { lifetimeDelta, type PointsEntry } from './points';
import type { PointsLedger } from './pointsLedger';

const MAX_ATTEMPTS = 25;

/**
 * One TransactWriteItems per change: the idempotency record (put if absent), the ledger entry and
 * the member's balance (guarded by a version number, so a concurrent change makes us re-read and
 * retry rather than overwrite). A crash anywhere leaves either all three or none.
 */
export function dynamoPointsLedger(table: Table): PointsLedger {
  async function findDuplicate(openid: string, key: string): Promise<PointsEntry | undefined> {
    const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: pointsIdempotencyKey(openid, key), ConsistentRead: true }));
    return decodeIdempotencyRecord(out.Item);
  }

  return {
    async apply(openid, plan, nowMs) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const read = await table.doc.send(new GetCommand({ TableName: table.name, Key: memberKey(openid), ConsistentRead: true }));
        if (!read.Item) return { status: 'no-member' };
        const stored = decodeMember(read.Item);
        const version = stored.version ?? 0;
        const member = { ...stored, lifetimePoints: stored.lifetimePoints ?? 0 };
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
        const guard = versionGuard(version);
        const written = await transactWrite(table, {
          idempotency: { Put: { Item: { ...pointsIdempotencyKey(openid, change.idempotencyKey), entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
          // A sign-in is indexed by time, for "streak about to break" notices (lib/reengage).
          ledger: {
            Put: {
              Item: {
                ...ledgerEntryKey(openid, at, change.idempotencyKey),
                ...entry,
                ...(change.kind === 'signin' ? serviceEventIndex('SIGNIN', openid, at) : {}),
              },
            },
          },
          balance: {
            Update: {
              Key: memberKey(openid),
              ...updateExpression({ set: { points: balanceAfter, lifetimePoints, version: version + 1, updatedAt: at, ...memberSet }, values: guard.values }),
              ConditionExpression: guard.ConditionExpression,
            },
          },
          puts: puts.map((Item) => ({ Put: { Item } })),
        });
        if (written.status === 'written')
          return { status: 'applied', entry, member: { points: balanceAfter, lifetimePoints, level: memberSet.level ?? member.level } };
        if (written.failed.has('idempotency')) {
          const dup = await findDuplicate(openid, change.idempotencyKey);
          if (dup) return { status: 'duplicate', entry: dup };
        }
        // Someone else changed the member (or the transaction conflicted): re-read and try again.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
      }
      throw new Error(`points: gave up after ${MAX_ATTEMPTS} attempts under contention`);
    },

    async list(openid, opts) {
      const page = await memberItemsPage(table, openid, LEDGER_PREFIX, opts);
      return { entries: page.items.map(decodePointsEntry), cursor: page.cursor };
    },
  };
}
