import type { AuditPorts } from '../audit/recordAdminChange';
import { dynamoAuditLog } from '../audit/dynamoAuditLog';
import { adminRoutes } from './adminApi';
import type { App } from './createApp';

function buildAuditPorts(app: App): AuditPorts {
  const gets = new Map(
    adminRoutes(app)
      .filter((r) => r.method === 'GET')
      .map((r) => [r.path, r]),
  );
  return { log: dynamoAuditLog(app.table), clock: app.clock, timeZone: app.config.timeZone, getRoute: (path) => gets.get(path) };
}

/** The audit log's ports (made once per app): the table, the account's business day, the GET routes that read what a change changes. */
export const auditPorts = (app: App) => app.once(buildAuditPorts);
