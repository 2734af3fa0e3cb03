import { invalid, ok, type Result } from '../result';
import type { Segment } from './segment';
import { BadSegmentCursorError, selectMembers, type SegmentPorts, type SelectPage } from './select';

/** Without a segment: every member that ever interacted (the activity walk). */
const EVERYONE: Segment = { any: [{ subscribed: true }, { subscribed: false }] };

/** The members of a segment (everyone without one), a page at a time. */
export async function listMembers(
  ports: SegmentPorts,
  segment: Segment | undefined,
  page: { limit: number; cursor?: string },
): Promise<Result<Omit<SelectPage, 'cursor'> & { cursor: string | null }>> {
  try {
    const found = await selectMembers(ports, segment ?? EVERYONE, page);
    return ok({ members: found.members, cursor: found.cursor ?? null, itemsRead: found.itemsRead });
  } catch (err) {
    if (err instanceof BadSegmentCursorError) return invalid(`cursor: ${err.message}`);
    throw err;
  }
}
