/**
 * What a use case answers: a value, or a failure of a known kind. Use cases know nothing of HTTP;
 * lib/http/respond.ts maps the kinds to status codes once, for every route.
 */
export type FailureKind =
  /** The input breaks a rule (a schema, a date in the past, a budget that cannot be met). */
  | 'invalid'
  | 'not-found'
  /** The state forbids it now (exists already, changed meanwhile, already redeemed, too many). */
  | 'conflict'
  | 'forbidden'
  /** Who is asking is not established: no credentials, wrong ones, an expired sign-in. */
  | 'unauthenticated'
  /** Asked too often; `retryAfterSeconds` says when to try again if known. */
  | 'too-many-requests'
  /** Something we depend on could not answer; the same request later may succeed. */
  | 'unavailable'
  /** A platform we called (WeChat) answered with a failure of its own. */
  | 'upstream';

export interface Failure {
  kind: FailureKind;
  message: string;
  /** More fields of the answer next to `message` (`issues`, the entity as it is now …). */
  details?: Record<string, unknown>;
  /** Whether and when to try again, in seconds. */
  retryAfterSeconds?: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure };
export type Failed = { ok: false; error: Failure };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

const failure =
  (kind: FailureKind) =>
  (message: string, details?: Record<string, unknown>): Failed => ({ ok: false, error: { kind, message, ...(details ? { details } : {}) } });

export const invalid = failure('invalid');
export const notFound = failure('not-found');
export const conflict = failure('conflict');
/** @public For the roles of issue 13: a person whose role does not allow the action. */
export const forbidden = failure('forbidden');
export const unavailable = failure('unavailable');
export const unauthenticated = failure('unauthenticated');
export const upstream = failure('upstream');

/** An input problem tied to a field, shaped like a schema error: `path: message` plus `issues`. */
export function invalidField(path: string, message: string, details?: Record<string, unknown>): Failed {
  return invalid(`${path}: ${message}`, { issues: [{ path, message }], ...details });
}

/** What a use case that creates, or returns what an earlier identical request created, answers. */
export interface MaybeNew<T> {
  /** Made by this call (not by an earlier one with the same key). */
  isNew: boolean;
  answer: T;
}
