import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { SHARDS } from '../segments/shard';
import type { Table } from '../store/dynamo';
import { queryAll } from '../store/queryAll';
import { planContext, type PointsPorts } from './grantPoints';
import { expiredBy } from './pointLots';
import type { MemberStore } from './memberStore';
import { expiryIndexPk, expiryMarkerKey } from '../table';
import { planPointsChange } from './planPointsChange';

/** Members holding a lot that expires on `day`, from the expiry index on gsi1 (never a scan). */
export async function membersWithLotsExpiring(table: Table, day: string): Promise<string[]> {
  const openids: string[] = [];
  await Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) => {
      const items = await queryAll(table, {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': expiryIndexPk(day, shard) },
      });
      for (const item of items) openids.push(String(item.gsi1sk));
    }),
  );
  return openids;
}

export interface ExpiryPorts extends PointsPorts {
  members: Pick<MemberStore, 'get'>;
  membersExpiring: (day: string) => Promise<string[]>;
  /** Drops the member from that day's expiry index once handled, so hourly reruns cost nothing. */
  handled: (day: string, openid: string) => Promise<void>;
}

export function dynamoExpiryIndex(table: Table): Pick<ExpiryPorts, 'membersExpiring' | 'handled'> {
  return {
    membersExpiring: (day) => membersWithLotsExpiring(table, day),
    handled: async (day, openid) => {
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: expiryMarkerKey(day, openid) }));
    },
  };
}

/**
 * Writes off what is left of the lots that expired on `day`, one ledger entry per member
 * (`expire:<day>` makes a rerun harmless). Run daily for yesterday's business day.
 */
export async function expirePoints(ports: ExpiryPorts, day: string): Promise<{ members: number; pointsExpired: number }> {
  let members = 0;
  let pointsExpired = 0;
  const ctx = await planContext(ports);
  for (const openid of await ports.membersExpiring(day)) {
    const member = await ports.members.get(openid);
    if (!member || expiredBy(member.pointLots ?? {}, day) === 0) {
      await ports.handled(day, openid);
      continue;
    }
    const result = await ports.ledger.apply(
      openid,
      (m) => {
        const amount = Math.min(expiredBy(m.pointLots ?? {}, day), m.points);
        return planPointsChange(ctx, m, { delta: -amount, kind: 'expire', reason: `积分过期（${day} 到期）`, idempotencyKey: `expire:${day}` });
      },
      ctx.nowMs,
    );
    if (result.status === 'applied') {
      members += 1;
      pointsExpired -= result.entry.delta;
    }
    await ports.handled(day, openid);
  }
  return { members, pointsExpired };
}
