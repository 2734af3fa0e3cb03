import type { Clock } from '../clock/clock';
import type { Level } from '../levels/levels';
import { json } from '../http/response';
import type { Route } from '../http/router';
import type { Table } from '../store/dynamo';
import { csvObjects, parseCsv } from './csv';
import { createImportJob, readImportJob } from './importJobs';
import { importRows } from './importRows';
import { checkRow, MAX_ROWS, type ImportRow, type RowError } from './row';

export interface ImportRoutePorts {
  table: Table;
  clock: Clock;
  levels: () => Promise<readonly Level[]>;
  /** How long an import may run before it answers with what is left (API Gateway gives up at 30 s). */
  budgetMs?: number;
  /** Imports with more valid rows than this become a background job (202 + job id). */
  syncMaxRows?: number;
  /** Hands a stored job to the import worker. */
  startJob: (jobId: string) => Promise<void>;
}

export const DEFAULT_SYNC_MAX_ROWS = 2_000;

export const DEFAULT_BUDGET_MS = 24_000;

/** Raw rows from a JSON `{ "rows": [...] }` body or a CSV body with a header line, or a 400 message. */
export function rawRows(body: unknown, contentType: string): { ok: true; rows: unknown[] } | { ok: false; error: string } {
  if (contentType.includes('csv')) {
    if (typeof body !== 'string' || body.trim() === '') return { ok: false, error: '(body): empty CSV; the first line names the columns' };
    const parsed = parseCsv(body);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { header, rows } = csvObjects(parsed.records);
    if (!header.includes('phone') && !header.includes('unionid')) return { ok: false, error: 'csv: the header line needs a phone or unionid column' };
    return { ok: true, rows };
  }
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (typeof body !== 'object' || body === null || !Array.isArray(rows)) return { ok: false, error: 'rows: required, an array of rows (or send text/csv)' };
  return { ok: true, rows };
}

export function importRoutes(ports: ImportRoutePorts): Route[] {
  return [
    {
      method: 'POST',
      path: '/admin/members/import',
      run: async (req) => {
        const startedMs = Date.now();
        const raw = rawRows(req.body, req.contentType);
        if (!raw.ok) return json(400, { error: raw.error });
        if (raw.rows.length === 0) return json(400, { error: 'rows: no data rows' });
        if (raw.rows.length > MAX_ROWS) return json(400, { error: `rows: at most ${MAX_ROWS.toLocaleString('en')} per call` });
        const good: ImportRow[] = [];
        const errors: RowError[] = [];
        raw.rows.forEach((r, i) => {
          const checked = checkRow(r, i + 1);
          if (checked.ok) good.push(checked.value);
          else errors.push(checked.error);
        });
        if (good.length > (ports.syncMaxRows ?? DEFAULT_SYNC_MAX_ROWS)) {
          const job = await createImportJob(ports.table, good, errors, ports.clock.now());
          await ports.startJob(job.jobId);
          return json(202, { ...job, statusUrl: `/admin/members/import/${job.jobId}` });
        }
        const counts = await importRows({ table: ports.table, levels: await ports.levels(), nowMs: ports.clock.now() }, good, { deadlineMs: startedMs + (ports.budgetMs ?? DEFAULT_BUDGET_MS) });
        const { rowsLeft, ...rest } = counts;
        return json(200, {
          ...rest,
          errors: [...errors, ...counts.errors].sort((a, b) => a.row - b.row),
          ...(rowsLeft ? { incomplete: { rowsLeft, hint: 'time ran out: send the same rows again; rows already imported come back unchanged' } } : {}),
        });
      },
    },
    {
      method: 'GET',
      path: '/admin/members/import/{jobId}',
      run: async (req) => {
        const job = await readImportJob(ports.table, req.params.jobId!);
        return job ? json(200, job) : json(404, { error: `import job ${req.params.jobId} not found` });
      },
    },
  ];
}
