import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { businessDay } from '../clock/timeZone';
import { addDays, endOfLocalDay, startOfLocalDay } from '../coupons/validity';
import { invalid, invalidField, ok, type Result } from '../result';
import type { AuditEntry } from './auditEntry';
import { BadAuditCursorError, type AuditLog, type AuditPage } from './auditLog';

export interface AuditReadPorts {
  log: Pick<AuditLog, 'read'>;
  clock: Clock;
  timeZone: string;
}

/** A day (`2026-12-03`, the account's business day) or an instant (`2026-12-03T08:00:00Z`). */
const when = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const auditQuerySchema = z.strictObject({
  from: when.optional(),
  to: when.optional(),
  actor: z.string().min(1).max(256).optional(),
  kind: z.string().min(1).max(128).optional(),
  cursor: z.string().min(1).max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQueryInput = z.infer<typeof auditQuerySchema>;

/** The longest range one read covers (a partition per day). */
export const MAX_RANGE_DAYS = 366;
/** When no `from` is given: the last week. */
const DEFAULT_DAYS = 7;

/** from/to as UTC ISO instants and the business days between, newest first. */
function rangeOf(
  ports: Pick<AuditReadPorts, 'clock' | 'timeZone'>,
  q: Pick<AuditQueryInput, 'from' | 'to'>,
): Result<{ from: string; to: string; days: string[] }> {
  const tz = ports.timeZone;
  const now = ports.clock.now();
  const toMs = q.to === undefined ? now : q.to.length === 10 ? endOfLocalDay(q.to, tz) : Date.parse(q.to);
  const fromMs =
    q.from === undefined
      ? startOfLocalDay(addDays(businessDay(toMs, tz), -(DEFAULT_DAYS - 1)), tz)
      : q.from.length === 10
        ? startOfLocalDay(q.from, tz)
        : Date.parse(q.from);
  if (fromMs > toMs) return invalidField('from', 'must not be after to');
  const days: string[] = [];
  for (let d = businessDay(toMs, tz); d >= businessDay(fromMs, tz); d = addDays(d, -1)) {
    days.push(d);
    if (days.length > MAX_RANGE_DAYS) return invalidField('to', `at most ${MAX_RANGE_DAYS} days at once`);
  }
  return ok({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), days });
}

/** One page of the audit log, newest first. */
export async function readAudit(ports: AuditReadPorts, q: AuditQueryInput): Promise<Result<AuditPage>> {
  const range = rangeOf(ports, q);
  if (!range.ok) return range;
  try {
    return ok(await ports.log.read({ ...q, from: range.value.from, to: range.value.to }, range.value.days));
  } catch (err) {
    if (err instanceof BadAuditCursorError) return invalidField('cursor', err.message);
    throw err;
  }
}

/** An export holds at most this many entries; a wider range is refused (narrow from/to). */
export const MAX_EXPORT_ENTRIES = 20_000;

/** Every entry of the range (filters apply), newest first. */
export async function exportAudit(ports: AuditReadPorts, q: Omit<AuditQueryInput, 'cursor' | 'limit'>): Promise<Result<AuditEntry[]>> {
  const all: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await readAudit(ports, { ...q, limit: 200, cursor });
    if (!page.ok) return page;
    all.push(...page.value.entries);
    if (all.length > MAX_EXPORT_ENTRIES)
      return invalid(`from/to: more than ${MAX_EXPORT_ENTRIES} entries; export a shorter range`, { issues: [{ path: 'from', message: 'range too large' }] });
    cursor = page.value.cursor;
  } while (cursor);
  return ok(all);
}

const CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'actorSub',
  'roles',
  'via',
  'kind',
  'method',
  'path',
  'route',
  'status',
  'outcome',
  'requestId',
  'approvalId',
  'diff',
  'before',
  'after',
  'request',
] as const;

/** A CSV cell: quoted, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) =>
    [
      e.id,
      e.at,
      e.actor.username,
      e.actor.sub,
      e.actor.roles.join(' '),
      e.actor.via,
      e.kind,
      e.method,
      e.path,
      e.route,
      e.status,
      e.outcome,
      e.requestId,
      e.approvalId,
      e.diff,
      e.before,
      e.after,
      e.request,
    ]
      .map(cell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

export const auditJsonl = (entries: readonly AuditEntry[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join('');
