import type { Table } from '../store/dynamo';
import { PROFILE_SK, skSegment } from '../table';
import { withoutKeys, type MemberContext } from './family';
import { OUTSIDE_FAMILIES, PARTITION_FAMILIES } from './memberData';
import { memberItems } from './memberItems';

/**
 * Everything we hold about one member, for a data-access request: every item of their partition
 * (by family), and the items elsewhere that erasure deletes or anonymises (lib/privacy/memberData.ts):
 * the coupons they hold, the red-packet shares they took, their payout orders, imported records and
 * rows still to import. Undefined when there is no such member.
 */
export async function exportMember(table: Table, openid: string, nowMs: number): Promise<Record<string, unknown> | undefined> {
  const items = await memberItems(table, openid);
  const profile = items.find((i) => i.sk === PROFILE_SK);
  if (!profile) return undefined;
  const ctx: MemberContext = { table, openid, items, profile, nowMs };
  const sections: Record<string, unknown[]> = {};
  for (const item of items) {
    if (item === profile) continue;
    // An item no family covers still goes out, under its sort key's first segment.
    const name = PARTITION_FAMILIES.find((f) => f.holds(item))?.name ?? skSegment(item.sk).toLowerCase();
    sections[name] ??= [];
    sections[name].push(withoutKeys(item));
  }
  for (const family of OUTSIDE_FAMILIES) sections[family.name] = await family.export(ctx);
  return { exportedAt: new Date(nowMs).toISOString(), profile: withoutKeys(profile), ...sections };
}
