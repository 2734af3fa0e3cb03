import { invalidField, ok, type Result } from '../result';
import { BadCursorError } from '../store/memberItemsPage';
import type { LevelChange, LevelHistoryStore } from './levelHistory';

/** A member's level changes, newest first (an unknown member has none, as with coupons and the wallet). */
export async function levelChangesOf(
  ports: { history: LevelHistoryStore },
  openid: string,
  page: { limit: number; cursor?: string },
): Promise<Result<{ changes: LevelChange[]; cursor: string | null }>> {
  try {
    const found = await ports.history.list(openid, page);
    return ok({ changes: found.changes, cursor: found.cursor ?? null });
  } catch (err) {
    if (err instanceof BadCursorError) return invalidField('cursor', err.message);
    throw err;
  }
}
