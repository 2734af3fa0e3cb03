import { forgetPendingRows, pendingRowsNaming } from '../../import/importJobs';
import { deleteIfExists } from '../../store/dynamo';
import { queryAll } from '../../store/queryAll';
import { isImportChunkKey, PENDING_LINKS_PK as PENDING_PK } from '../../table';
import type { MemberContext, OutsideFamily } from '../family';
import { identitiesOf } from './identities';

/** Rows of import jobs still to run that carry the member's phone or unionid (a finished chunk is deleted). */
export const pendingImportRows: OutsideFamily = {
  name: 'pendingImportRows',
  action: 'delete',
  foundBy: 'reverse index',
  how: "import jobs not done are listed on gsi1 (IMPORTJOB#OPEN); their chunks' rows are matched by the profile's phone and unionid",
  writtenBy: 'lib/import/importJobs.ts (createImportJob)',
  holds: isImportChunkKey,
  export: async (ctx) => (await pendingRowsNaming(ctx.table, identitiesOf(ctx))).map((r) => ({ ...r })),
  erase: (ctx) => forgetPendingRows(ctx.table, identitiesOf(ctx)),
};

/** New followers waiting to be linked to imported prospects: one partition, a short queue, read with a filter. */
const notesOf = async (ctx: MemberContext) =>
  queryAll(ctx.table, {
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: 'openid = :o',
    ExpressionAttributeValues: { ':pk': PENDING_PK, ':o': ctx.openid },
    ConsistentRead: true,
  });

export const pendingLinks: OutsideFamily = {
  name: 'pendingLinks',
  action: 'delete',
  foundBy: 'queue partition',
  how: 'the link queue (LINK#PENDING, notes expire within 7 days) is queried with a filter on the openid',
  writtenBy: 'lib/import/linkProspects.ts (notePendingLinks)',
  holds: (key) => key.pk === PENDING_PK,
  export: async (ctx) => (await notesOf(ctx)).map((n) => ({ notedAt: n.sk.split('#')[0] })),
  async erase(ctx) {
    let changed = 0;
    for (const note of await notesOf(ctx)) if (await deleteIfExists(ctx.table, { pk: note.pk, sk: note.sk })) changed += 1;
    return changed;
  },
};
