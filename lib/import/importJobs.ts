import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../store/queryAll';
import { batchWriteAll } from '../store/batchWrite';
import type { Level } from '../levels/levels';
import { isConditionFailure, type Table } from '../store/dynamo';
import { decodeChunkRows, decodeImportJob, importChunkKey as chunkKey, importJobStatusKey as statusKey, OPEN_IMPORT_JOBS as OPEN_JOBS } from '../table';
import { importRows } from './importRows';
import type { ImportRow, RowError } from './row';

/**
 * Large imports run as a job: the admin call stores the checked rows in chunks and answers 202 at
 * once; a worker works through the chunks (continuing itself when its time runs short) and the job
 * status shows progress. 100,000 rows are one call, whatever the table's write speed.
 */
export const JOB_CHUNK_ROWS = 1_000;
const KEEP_SECONDS = 7 * 24 * 3600;
const MAX_KEPT_ERRORS = 1_000;

export interface ImportJobStatus {
  jobId: string;
  state: 'queued' | 'running' | 'done';
  totalRows: number;
  chunks: number;
  nextChunk: number;
  created: number;
  merged: number;
  unchanged: number;
  errorCount: number;
  errors: RowError[];
  createdAt: string;
  finishedAt?: string;
}

export async function createImportJob(table: Table, rows: readonly ImportRow[], rowErrors: readonly RowError[], nowMs: number): Promise<ImportJobStatus> {
  const jobId = randomUUID();
  const expiresAt = Math.floor(nowMs / 1000) + KEEP_SECONDS;
  const chunks = Math.ceil(rows.length / JOB_CHUNK_ROWS);
  const items = Array.from({ length: chunks }, (_, i) => ({
    ...chunkKey(jobId, i),
    rows: rows.slice(i * JOB_CHUNK_ROWS, (i + 1) * JOB_CHUNK_ROWS),
    expiresAt,
  }));
  await batchWriteAll(
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    { what: 'import job' },
  );
  const status: ImportJobStatus = {
    jobId,
    state: chunks === 0 ? 'done' : 'queued',
    totalRows: rows.length + rowErrors.length,
    chunks,
    nextChunk: 0,
    created: 0,
    merged: 0,
    unchanged: 0,
    errorCount: rowErrors.length,
    errors: rowErrors.slice(0, MAX_KEPT_ERRORS),
    createdAt: new Date(nowMs).toISOString(),
  };
  const open = status.state === 'done' ? {} : { gsi1pk: OPEN_JOBS, gsi1sk: `${status.createdAt}#${jobId}` };
  await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...statusKey(jobId), ...status, ...open, expiresAt } }));
  return status;
}

export async function readImportJob(table: Table, jobId: string): Promise<ImportJobStatus | undefined> {
  const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: statusKey(jobId), ConsistentRead: true }));
  return out.Item ? decodeImportJob(out.Item) : undefined;
}

export interface JobPorts {
  table: Table;
  levels: () => Promise<readonly Level[]>;
  now: () => number;
}

/**
 * Works through the job's chunks until done or until `deadlineMs` is near. A chunk is claimed by
 * moving `nextChunk` on with a condition, so two workers never import the same chunk twice.
 * Returns whether the job is finished.
 */
export async function runImportJob(ports: JobPorts, jobId: string, deadlineMs: number, minChunkMs = 60_000): Promise<boolean> {
  for (;;) {
    const status = await readImportJob(ports.table, jobId);
    if (!status) return true;
    if (status.nextChunk >= status.chunks) {
      if (status.state !== 'done') await finish(ports, jobId);
      return true;
    }
    if (ports.now() + minChunkMs > deadlineMs) return false;
    const i = status.nextChunk;
    const chunk = await ports.table.doc.send(new GetCommand({ TableName: ports.table.name, Key: chunkKey(jobId, i), ConsistentRead: true }));
    const rows = decodeChunkRows(chunk.Item);
    const counts = await importRows({ table: ports.table, levels: await ports.levels(), nowMs: ports.now() }, rows);
    try {
      await ports.table.doc.send(
        new UpdateCommand({
          TableName: ports.table.name,
          Key: statusKey(jobId),
          UpdateExpression:
            'SET nextChunk = :next, #state = :running, errors = list_append(errors, :errors) ADD created :c, merged :m, unchanged :u, errorCount :e',
          ConditionExpression: 'nextChunk = :i',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':next': i + 1,
            ':i': i,
            ':running': 'running',
            ':errors': status.errors.length < MAX_KEPT_ERRORS ? counts.errors.slice(0, MAX_KEPT_ERRORS - status.errors.length) : [],
            ':c': counts.created,
            ':m': counts.merged,
            ':u': counts.unchanged,
            ':e': counts.errors.length,
          },
        }),
      );
    } catch (err) {
      // Another worker recorded this chunk first; its rows came back unchanged for us. Move on.
      if (!isConditionFailure(err)) throw err;
    }
    // Imported rows are kept nowhere but in the members and prospects they went into.
    await ports.table.doc.send(new DeleteCommand({ TableName: ports.table.name, Key: chunkKey(jobId, i) }));
  }
}

async function finish(ports: JobPorts, jobId: string): Promise<void> {
  await ports.table.doc.send(
    new UpdateCommand({
      TableName: ports.table.name,
      Key: statusKey(jobId),
      UpdateExpression: 'SET #state = :done, finishedAt = :at REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': 'done', ':at': new Date(ports.now()).toISOString() },
    }),
  );
}

/** Who a row is about: the phone and unionid a member or prospect is known by. */
export interface RowSubject {
  phone?: string;
  unionid?: string;
}

const names = (row: ImportRow, who: RowSubject) => (!!who.phone && row.phone === who.phone) || (!!who.unionid && row.unionid === who.unionid);

/** The chunks of jobs not done yet that are still to be imported (earlier ones are deleted). */
async function pendingChunks(table: Table): Promise<{ key: { pk: string; sk: string }; rows: ImportRow[] }[]> {
  const jobs = await queryAll(table, { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': OPEN_JOBS } });
  const chunks: { key: { pk: string; sk: string }; rows: ImportRow[] }[] = [];
  for (const job of jobs.map(decodeImportJob)) {
    for (let i = job.nextChunk; i < job.chunks; i++) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: chunkKey(job.jobId, i), ConsistentRead: true }));
      if (out.Item) chunks.push({ key: chunkKey(job.jobId, i), rows: decodeChunkRows(out.Item) });
    }
  }
  return chunks;
}

/** Rows waiting in import jobs that name this phone or unionid (for a data-access request). */
export async function pendingRowsNaming(table: Table, who: RowSubject): Promise<ImportRow[]> {
  if (!who.phone && !who.unionid) return [];
  return (await pendingChunks(table)).flatMap((c) => c.rows.filter((r) => names(r, who)));
}

/**
 * Erasure: takes the rows naming this phone or unionid out of the jobs still to run, so a queued
 * import does not bring the person back. Returns how many rows went.
 */
export async function forgetPendingRows(table: Table, who: RowSubject): Promise<number> {
  if (!who.phone && !who.unionid) return 0;
  let removed = 0;
  for (const chunk of await pendingChunks(table)) {
    const kept = chunk.rows.filter((r) => !names(r, who));
    if (kept.length === chunk.rows.length) continue;
    try {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: chunk.key,
          UpdateExpression: 'SET #rows = :rows',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#rows': 'rows' },
          ExpressionAttributeValues: { ':rows': kept },
        }),
      );
      removed += chunk.rows.length - kept.length;
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // imported (and deleted) meanwhile
    }
  }
  return removed;
}
