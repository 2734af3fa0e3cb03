import { randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { log } from '../observability/log';
import { PayoutNotErasableYet } from '../payouts/payoutErasure';
import { batchWriteAll } from '../store/batchWrite';
import { errorName as nameOf, putIf, type Table } from '../store/dynamo';
import { decodeErasureMarker, ERASURE_MARKER_SK, erasureAuditKey, erasureMarkerKey as markerKey, memberKey, PROFILE_SK, transactWrite } from '../table';
import type { ErasureContext, ErasurePorts, Item } from './family';
import { OUTSIDE_FAMILIES } from './memberData';
import { memberItems } from './memberItems';

export type StepResult = { step: string; changed: number };
/** `detail` says why, when the step itself knows (a payout order not ready to erase yet). */
export type StepFailure = { step: string; error: string; detail?: string };

export type EraseResult =
  | { status: 'erased'; erasureId: string; itemsDeleted: number; steps: StepResult[] }
  | { status: 'incomplete'; erasureId?: string; done: StepResult[]; failed: StepFailure[]; notRun: string[] }
  | { status: 'not-found' };

/** Reading the member and recording the erasure's start. */
export const BEGIN_STEP = 'begin';
/** The step that deletes what is left under `MEMBER#<openid>` (the profile and the marker go last, together). */
export const PARTITION_STEP = 'memberPartition';
export const FINAL_STEP = 'profile';

/**
 * An erasure under way is remembered in the member's partition (deleted with the profile, at the
 * very end), so a rerun resumes it with the same id and pseudonym. The id is random: nothing
 * derived from the openid is kept, and only the audit entry records it.
 */
async function beginErasure(
  table: Table,
  openid: string,
  existing: Item | undefined,
  nowMs: number,
  requestedBy: string,
): Promise<{ erasureId: string; auditSk: string }> {
  let found: Record<string, unknown> | undefined = existing;
  if (!found) {
    const at = new Date(nowMs).toISOString();
    const erasureId = randomBytes(12).toString('hex');
    const fresh = { ...markerKey(openid), erasureId, auditSk: `${at}#${erasureId}`, startedAt: at };
    // Another request may have started the same erasure a moment ago: then carry on with theirs.
    found = (await putIf(table, fresh, 'attribute_not_exists(pk)'))
      ? fresh
      : (await table.doc.send(new GetCommand({ TableName: table.name, Key: markerKey(openid), ConsistentRead: true }))).Item;
    if (!found) throw new Error('the erasure marker vanished while starting');
  }
  const { erasureId, auditSk, startedAt } = decodeErasureMarker(found);
  await putIf(
    table,
    { ...erasureAuditKey(auditSk), erasureId, pseudonym: pseudonymOf(erasureId), startedAt, requestedBy, status: 'incomplete' },
    'attribute_not_exists(pk)',
  );
  return { erasureId, auditSk };
}

const pseudonymOf = (erasureId: string) => `erased:${erasureId}`;
const errorName = (err: unknown) => nameOf(err) || 'Error';
const failure = (step: string, err: unknown): StepFailure => ({
  step,
  error: errorName(err),
  ...(err instanceof PayoutNotErasableYet ? { detail: err.message } : {}),
});

/**
 * Erasure on request (PIPL): everything that names the member, as listed in lib/privacy/memberData.ts.
 * Items elsewhere in the table are handled first (they are found through the member's own items),
 * then the member's partition is deleted, the profile last. A step that fails stops the run, which
 * answers `incomplete` naming it; running the erasure again resumes it (every step is safe to repeat)
 * until it answers `erased`. Never `erased` while anything failed.
 */
export async function eraseMember(ports: ErasurePorts, openid: string, nowMs: number, requestedBy: string): Promise<EraseResult> {
  const { table } = ports;
  let items: Item[];
  let started: { erasureId: string; auditSk: string };
  try {
    items = await memberItems(table, openid);
    if (items.length === 0) return { status: 'not-found' };
    started = await beginErasure(
      table,
      openid,
      items.find((i) => i.sk === ERASURE_MARKER_SK),
      nowMs,
      requestedBy,
    );
  } catch (err) {
    return { status: 'incomplete', done: [], failed: [failure(BEGIN_STEP, err)], notRun: [...OUTSIDE_FAMILIES.map((f) => f.name), PARTITION_STEP, FINAL_STEP] };
  }
  const { erasureId, auditSk } = started;
  const ctx: ErasureContext = {
    table,
    pay: ports.pay,
    openid,
    items,
    profile: items.find((i) => i.sk === PROFILE_SK),
    pseudonym: pseudonymOf(erasureId),
    nowMs,
  };

  const done: StepResult[] = [];
  const steps = [
    ...OUTSIDE_FAMILIES.map((f) => ({ step: f.name, run: () => f.erase(ctx) })),
    { step: PARTITION_STEP, run: () => deletePartition(table, openid) },
  ];
  for (const [i, s] of steps.entries()) {
    try {
      done.push({ step: s.step, changed: await s.run() });
    } catch (err) {
      const failed = [failure(s.step, err)];
      const notRun = [...steps.slice(i + 1).map((n) => n.step), FINAL_STEP];
      return incomplete(table, auditSk, nowMs, { status: 'incomplete', erasureId, done, failed, notRun });
    }
  }
  try {
    await finish(table, openid, erasureId, auditSk, done, nowMs);
  } catch (err) {
    return incomplete(table, auditSk, nowMs, { status: 'incomplete', erasureId, done, failed: [failure(FINAL_STEP, err)], notRun: [] });
  }
  const partition = done.find((d) => d.step === PARTITION_STEP)!;
  return { status: 'erased', erasureId, itemsDeleted: partition.changed + (ctx.profile ? 1 : 0), steps: done };
}

/** Everything under the member's partition but the profile and the marker; once more for items written meanwhile. */
async function deletePartition(table: Table, openid: string): Promise<number> {
  let deleted = 0;
  for (let pass = 0; pass < 2; pass++) {
    const rest = (await memberItems(table, openid)).filter((i) => i.sk !== PROFILE_SK && i.sk !== ERASURE_MARKER_SK);
    if (rest.length === 0) break;
    await batchWriteAll(
      table,
      rest.map((it) => ({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } })),
      { what: 'erasure' },
    );
    deleted += rest.length;
  }
  return deleted;
}

/** The profile, the marker and the audit entry's outcome in one transaction: erased, or not at all. */
async function finish(table: Table, openid: string, erasureId: string, auditSk: string, steps: StepResult[], nowMs: number): Promise<void> {
  const at = new Date(nowMs).toISOString();
  const written = await transactWrite(table, {
    profile: { Delete: { Key: memberKey(openid) } },
    marker: { Delete: { Key: markerKey(openid), ConditionExpression: 'erasureId = :id', ExpressionAttributeValues: { ':id': erasureId } } },
    audit: {
      Update: {
        Key: erasureAuditKey(auditSk),
        UpdateExpression: 'SET #status = :erased, finishedAt = :at, steps = :steps REMOVE failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':erased': 'erased', ':at': at, ':steps': Object.fromEntries(steps.map((s) => [s.step, s.changed])) },
      },
    },
  });
  // The marker is gone: a concurrent run of the same erasure finished it first.
  if (written.status === 'cancelled' && !written.failed.has('marker')) throw written.error;
}

/** Records on the audit entry what is missing (best effort: the marker is what a rerun resumes from). */
async function incomplete(table: Table, auditSk: string, nowMs: number, result: Extract<EraseResult, { status: 'incomplete' }>): Promise<EraseResult> {
  log.warn('erasure incomplete', { erasureId: result.erasureId, failed: result.failed, notRun: result.notRun });
  await table.doc
    .send(
      new UpdateCommand({
        TableName: table.name,
        Key: erasureAuditKey(auditSk),
        UpdateExpression: 'SET failed = :f, lastAttemptAt = :at',
        ConditionExpression: '#status = :incomplete',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':f': result.failed, ':at': new Date(nowMs).toISOString(), ':incomplete': 'incomplete' },
      }),
    )
    .catch((err: unknown) => log.warn('could not record an incomplete erasure on its audit entry', { erasureId: result.erasureId, error: errorName(err) }));
  return result;
}
