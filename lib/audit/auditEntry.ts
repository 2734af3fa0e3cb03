import type { Principal } from '../identity/roles';

/** One change (or refused attempt) made through the admin API, as the audit log keeps it. */
export interface AuditEntry {
  id: string;
  /** UTC ISO instant the request finished. */
  at: string;
  actor: Pick<Principal, 'username' | 'sub' | 'roles' | 'via'>;
  /** What was done, from the route (`PUT /admin/levels` → `levels.put`) unless the route names it. */
  kind: string;
  method: string;
  /** The path called (`/admin/members/o123/tags`). */
  path: string;
  /** The route template (`/admin/members/{openid}/tags`). */
  route: string;
  params: Record<string, string>;
  requestId: string;
  status: number;
  /** `done` (2xx), `refused` (4xx/5xx from the route), `denied` (the caller's roles do not allow it: 403 before the route ran). */
  outcome: 'done' | 'refused' | 'denied';
  /** The request body, secrets redacted. */
  request?: unknown;
  /** The resource before and after (read through its GET twin), or the answer when it has none. */
  before?: unknown;
  after?: unknown;
  /** Changed leaves between before and after. */
  diff?: DiffLine[];
  /** The approval the change asked for or decided (approvals answer it). */
  approvalId?: string;
  /** Which parts were cut to keep the entry small (`request`, `before`, `after`, `diff`). */
  truncated?: string[];
  /** Set when an erasure replaced a member's openid and personal data in this entry. */
  erasedAt?: string;
}

export interface DiffLine {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** How a route's changes are audited (a field of `Route`). */
export interface RouteAudit {
  /** false: the route only computes (a preview, a try): no entry. */
  changes?: false;
  /** The entry's kind, when the derived one would say less. */
  kind?: string;
  /**
   * The GET route (a template with the same parameters) that reads what this route changes; false
   * for none. Default: for PUT and DELETE the GET route of the same path, for POST none (a POST
   * creates, or acts on what it names here).
   */
  reads?: string | false;
  /** The request carries member data in bulk (an import): keep its size only, and only the answer's counts. */
  outline?: boolean;
  /** The route erases the member its `openid` parameter names: the entry never names them. */
  erasesMember?: boolean;
}

/** The literal segments after `/admin/`, then the method: `PUT /admin/levels` → `levels.put`. */
export function kindOf(method: string, routePath: string): string {
  const literals = routePath
    .split('/')
    .filter((s) => s && s !== 'admin' && !s.startsWith('{'))
    .join('.');
  return `${literals}.${method.toLowerCase()}`;
}

const SECRET_NAME = /password|secret|token|privatekey|apikey|session|credential/i;
export const REDACTED = '[redacted]';

/** A copy with every value under a secret-looking name replaced. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) ? REDACTED : redactSecrets(v, depth + 1)]));
  }
  return value;
}

/** Each of request, before, after and diff is kept up to this many characters of JSON. */
export const MAX_PART_CHARS = 8_000;

/** The part, or a stand-in saying how big it was with its start, when its JSON is too long. */
export function bounded(value: unknown, maxChars = MAX_PART_CHARS): { value: unknown; cut: boolean } {
  const text = JSON.stringify(value);
  if (text === undefined || text.length <= maxChars) return { value, cut: false };
  return { value: { truncated: true, chars: text.length, start: text.slice(0, Math.floor(maxChars / 4)) }, cut: true };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The leaves that differ between two documents (arrays compared whole), at most `max`. */
export function diffOf(before: unknown, after: unknown, max = 100): DiffLine[] {
  const lines: DiffLine[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (lines.length >= max) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b))
      lines.push({ path: path || '(whole)', ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
  };
  walk(before, after, '');
  return lines;
}

/** At most this many members are indexed per entry; an entry naming more keeps no bodies. */
export const MAX_MENTIONS = 20;

/**
 * What can be a member's openid (WeChat's are 28 characters; a path parameter may be 128): a longer
 * string in a body names no member and could not be a key anyway.
 */
const isOpenid = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 128;

/** The openids an entry names: its `openid` parameter and any `openid` / `openids` field of its parts. */
export function openidsIn(params: Record<string, string>, parts: unknown[]): string[] {
  const found = new Set<string>();
  if (params.openid) found.add(params.openid);
  const walk = (v: unknown, depth: number) => {
    if (depth > 12 || found.size > MAX_MENTIONS) return;
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'openid' && isOpenid(x)) found.add(x);
        else if (k === 'openids' && Array.isArray(x)) {
          for (const o of x) if (isOpenid(o)) found.add(o);
        } else walk(x, depth + 1);
      }
    }
  };
  for (const p of parts) walk(p, 0);
  return [...found];
}

/** The top-level counts and ids of an answer: what an outline entry keeps of it. */
export function outlineOf(value: unknown): unknown {
  if (!isPlainObject(value)) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && (k === 'state' || /Id$/.test(k)))),
  );
}

export const ERASED_MEMBER = '[erased member]';
export const ERASED_PART = '[erased with the member]';

/**
 * The entry once a member it names is erased: who did what stays (actor, kind, route, time,
 * status); the openid becomes a fixed marker and the bodies, which may hold the member's personal
 * data, are replaced (the diff keeps which fields changed, not their values).
 */
export function erasedEntry(entry: AuditEntry, openid: string, nowIso: string): AuditEntry {
  const params = Object.fromEntries(Object.entries(entry.params).map(([k, v]) => [k, v === openid ? ERASED_MEMBER : v]));
  return {
    ...entry,
    path: entry.path.split(openid).join(ERASED_MEMBER).split(encodeURIComponent(openid)).join(ERASED_MEMBER),
    params,
    ...(entry.request === undefined ? {} : { request: ERASED_PART }),
    ...(entry.before === undefined ? {} : { before: ERASED_PART }),
    ...(entry.after === undefined ? {} : { after: ERASED_PART }),
    ...(entry.diff ? { diff: entry.diff.map((d) => ({ path: d.path })) } : {}),
    erasedAt: nowIso,
  };
}
