import { conflict, invalid, notFound, ok, type MaybeNew, type Result } from '../result';
import { BadCursorError } from '../store/memberItemsPage';
import { changePoints, type PointsPorts } from './grantPoints';
import type { MemberStore } from './memberStore';
import type { PointsChange, PointsEntry } from './points';

export interface PointsHistory {
  balance: number;
  lifetimePoints: number;
  ledger: PointsEntry[];
  cursor: string | null;
}

/** A member's balance, lifetime points and ledger, newest first, a page at a time. */
export async function pointsHistory(
  ports: { members: MemberStore; points: PointsPorts },
  openid: string,
  page: { limit: number; cursor?: string },
): Promise<Result<PointsHistory>> {
  const member = await ports.members.get(openid);
  if (!member) return notFound(`member ${openid} not found`);
  try {
    const found = await ports.points.ledger.list(member.openid, page);
    return ok({ balance: member.points, lifetimePoints: member.lifetimePoints ?? 0, ledger: found.entries, cursor: found.cursor ?? null });
  } catch (err) {
    if (err instanceof BadCursorError) return invalid(`cursor: ${err.message}`);
    throw err;
  }
}

export type PointsChanged = { balance: number; level: string; entry: PointsEntry } | { duplicate: true; entry: PointsEntry };

/** An operator's grant (delta > 0) or adjustment (delta < 0), once per idempotency key. */
export async function changeMemberPoints(
  ports: { points: PointsPorts },
  openid: string,
  change: Omit<PointsChange, 'kind'>,
): Promise<Result<MaybeNew<PointsChanged>>> {
  const r = await changePoints(ports.points, openid, { ...change, kind: change.delta > 0 ? 'grant' : 'adjust' });
  switch (r.status) {
    case 'applied':
      return ok({ isNew: true, answer: { balance: r.member.points, level: r.member.level, entry: r.entry } });
    case 'duplicate':
      return ok({ isNew: false, answer: { duplicate: true, entry: r.entry } });
    case 'insufficient':
      return conflict(`balance ${r.balance} is too low for ${change.delta}`, { balance: r.balance });
    case 'no-member':
      return notFound(`member ${openid} not found`);
  }
}
