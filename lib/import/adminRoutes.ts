import { acceptedResponse, okResponse, respond } from '../http/respond';
import type { Route } from '../http/router';
import { invalid, ok, type Result } from '../result';
import { csvObjects, parseCsv } from './csv';
import { importJobStatus, importMembers, type ImportMembersPorts } from './importMembers';

/** Raw rows from a JSON `{ "rows": [...] }` body or a CSV body with a header line. */
export function rawRows(body: unknown, contentType: string): Result<unknown[]> {
  if (contentType.includes('csv')) {
    if (typeof body !== 'string' || body.trim() === '') return invalid('(body): empty CSV; the first line names the columns');
    const parsed = parseCsv(body);
    if (!parsed.ok) return invalid(parsed.error);
    const { header, rows } = csvObjects(parsed.records);
    if (!header.includes('phone') && !header.includes('unionid')) return invalid('csv: the header line needs a phone or unionid column');
    return ok(rows);
  }
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (typeof body !== 'object' || body === null || !Array.isArray(rows)) return invalid('rows: required, an array of rows (or send text/csv)');
  return ok(rows);
}

const statusUrl = (jobId: string) => `/admin/members/import/${jobId}`;

export function importRoutes(ports: ImportMembersPorts): Route[] {
  return [
    {
      method: 'POST',
      path: '/admin/members/import',
      // Rows name members by phone, unionid and name in bulk: the entry keeps their size and the counts, not them.
      audit: { outline: true },
      roles: ['operator'],
      run: async (req) => {
        // The time budget counts from the request, parsing included.
        const startedMs = Date.now();
        const raw = rawRows(req.body, req.contentType);
        if (!raw.ok) return respond(raw);
        return respond(await importMembers(ports, raw.value, startedMs), (r) =>
          r.queued ? acceptedResponse({ ...r.job, statusUrl: statusUrl(r.job.jobId) }) : okResponse(r.counts),
        );
      },
    },
    { method: 'GET', path: '/admin/members/import/{jobId}', roles: ['operator'], run: async (req) => respond(await importJobStatus(ports, req.params.jobId!)) },
  ];
}
