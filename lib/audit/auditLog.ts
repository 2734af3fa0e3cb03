import type { AuditEntry } from './auditEntry';

/** A page of entries, newest first, and where the next page starts. */
export interface AuditPage {
  entries: AuditEntry[];
  cursor?: string;
}

export interface AuditQuery {
  /** UTC ISO instants, both included. */
  from: string;
  to: string;
  /** The actor's username or sub. */
  actor?: string;
  kind?: string;
  limit: number;
  cursor?: string;
}

/** The audit log's store: entries are appended and read, never changed (erasure aside, lib/privacy). */
export interface AuditLog {
  /** Puts the entry in `day`'s partition, with one mention per member it names. */
  append(entry: AuditEntry, day: string): Promise<void>;
  /** The business days `from`…`to` cover, newest first, filtered; `cursor` from the previous page. */
  read(query: AuditQuery, days: string[]): Promise<AuditPage>;
}

export class BadAuditCursorError extends Error {}
