import type { Clock } from '../clock/clock';
import type { Level } from '../levels/levels';
import { invalid, notFound, ok, type Result } from '../result';
import type { Table } from '../store/dynamo';
import { createImportJob, readImportJob, type ImportJobStatus } from './importJobs';
import { importRows, type ImportCounts } from './importRows';
import { checkRow, MAX_ROWS, type ImportRow, type RowError } from './row';

export interface ImportMembersPorts {
  table: Table;
  clock: Clock;
  levels: () => Promise<readonly Level[]>;
  /** How long an import may run before it answers with what is left (API Gateway gives up at 30 s). */
  budgetMs?: number;
  /** Imports with more valid rows than this become a background job. */
  syncMaxRows?: number;
  /** Hands a stored job to the import worker. */
  startJob: (jobId: string) => Promise<void>;
}

const DEFAULT_SYNC_MAX_ROWS = 2_000;

const DEFAULT_BUDGET_MS = 24_000;

export type ImportOutcome =
  /** Imported now: the counts, every row's error in row order, and what time left undone. */
  | { queued: false; counts: Omit<ImportCounts, 'rowsLeft'> & { incomplete?: { rowsLeft: number; hint: string } } }
  /** Too many rows to import now: a background job, to be asked about by its id. */
  | { queued: true; job: ImportJobStatus };

/**
 * Imports members (phone or unionid, with attributes) from raw rows: each row is checked, the good
 * ones imported within the time budget counted from `startedMs`, or, above `syncMaxRows`, handed to
 * the import worker as a job.
 */
export async function importMembers(ports: ImportMembersPorts, rows: readonly unknown[], startedMs: number): Promise<Result<ImportOutcome>> {
  if (rows.length === 0) return invalid('rows: no data rows');
  if (rows.length > MAX_ROWS) return invalid(`rows: at most ${MAX_ROWS.toLocaleString('en')} per call`);
  const good: ImportRow[] = [];
  const errors: RowError[] = [];
  rows.forEach((r, i) => {
    const checked = checkRow(r, i + 1);
    if (checked.ok) good.push(checked.value);
    else errors.push(checked.error);
  });
  if (good.length > (ports.syncMaxRows ?? DEFAULT_SYNC_MAX_ROWS)) {
    const job = await createImportJob(ports.table, good, errors, ports.clock.now());
    await ports.startJob(job.jobId);
    return ok({ queued: true, job });
  }
  const counts = await importRows({ table: ports.table, levels: await ports.levels(), nowMs: ports.clock.now() }, good, {
    deadlineMs: startedMs + (ports.budgetMs ?? DEFAULT_BUDGET_MS),
  });
  const { rowsLeft, ...rest } = counts;
  return ok({
    queued: false,
    counts: {
      ...rest,
      errors: [...errors, ...counts.errors].sort((a, b) => a.row - b.row),
      ...(rowsLeft ? { incomplete: { rowsLeft, hint: 'time ran out: send the same rows again; rows already imported come back unchanged' } } : {}),
    },
  });
}

export async function importJobStatus(ports: { table: Table }, jobId: string): Promise<Result<ImportJobStatus>> {
  const job = await readImportJob(ports.table, jobId);
  return job ? ok(job) : notFound(`import job ${jobId} not found`);
}
