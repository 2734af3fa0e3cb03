import { z } from 'zod';
import { respond } from '../http/respond';
import { text } from '../http/response';
import { withBody, type Route } from '../http/router';
import { auditCsv, auditJsonl, auditQuerySchema, exportAudit, readAudit, type AuditReadPorts } from './readAudit';

const exportSchema = auditQuerySchema.omit({ cursor: true, limit: true }).extend({ format: z.enum(['csv', 'jsonl']).default('jsonl') });

/** The audit log, for admins only; nothing here (or anywhere) edits or deletes an entry. */
export function auditRoutes(ports: AuditReadPorts): Route[] {
  return [
    {
      method: 'GET',
      path: '/admin/audit',
      roles: [],
      run: (req) => withBody(auditQuerySchema, req.query, async (q) => respond(await readAudit(ports, q))),
    },
    {
      method: 'GET',
      path: '/admin/audit/export',
      roles: [],
      run: (req) =>
        withBody(exportSchema, req.query, async ({ format, ...q }) =>
          respond(await exportAudit(ports, q), (entries) => {
            const name = `audit-${new Date(ports.clock.now()).toISOString().slice(0, 10)}.${format}`;
            const answer =
              format === 'csv'
                ? text(200, auditCsv(entries), 'text/csv; charset=utf-8')
                : text(200, auditJsonl(entries), 'application/x-ndjson; charset=utf-8');
            return { ...answer, headers: { ...answer.headers, 'content-disposition': `attachment; filename="${name}"` } };
          }),
        ),
    },
  ];
}
