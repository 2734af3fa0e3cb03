import type { Member } from '../../lib/members/member';
import { activityKey, levelKey, tagKey } from '../../lib/table';
import { batchWriteAll } from '../../lib/store/batchWrite';
import type { Table } from '../../lib/store/dynamo';

export type SeedMember = Partial<Member> & { openid: string };

/**
 * Member profiles written straight into the table, with the index attributes the app keeps (level,
 * activity, one tag item per tag), for tests that need thousands of members faster than pushes.
 */
export async function seedMembers(table: Table, members: readonly SeedMember[], nowMs: number): Promise<void> {
  const items: Record<string, unknown>[] = [];
  for (const m of members) {
    const at = m.lastInteractionAt ?? new Date(nowMs - 3_600_000).toISOString();
    const level = m.level ?? '普通';
    const tags = m.tags ?? [];
    items.push({
      pk: `MEMBER#${m.openid}`,
      sk: 'PROFILE',
      subscribed: true,
      firstSeenAt: at,
      points: 0,
      ...m,
      lastInteractionAt: at,
      level,
      tags,
      gsi3pk: activityKey(m.openid),
      gsi3sk: at,
      gsi1pk: levelKey(level, m.openid),
      gsi1sk: m.openid,
    });
    for (const tag of tags)
      items.push({ pk: `MEMBER#${m.openid}`, sk: `TAG#${tag}`, gsi2pk: tagKey(tag, m.openid), gsi2sk: m.openid, openid: m.openid, tag, at });
  }
  await batchWriteAll(
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    { parallel: 8, what: 'seeding members' },
  );
}
