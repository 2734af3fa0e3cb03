import { randomBytes } from 'node:crypto';
import { businessDay } from '../clock/timeZone';
import type { Clock } from '../clock/clock';
import type { Principal } from '../identity/roles';
import type { HttpResult } from '../http/response';
import type { Route, RouteRequest } from '../http/router';
import { describeError, log } from '../observability/log';
import { bounded, diffOf, ERASED_MEMBER, kindOf, MAX_MENTIONS, openidsIn, outlineOf, redactSecrets, type AuditEntry } from './auditEntry';
import type { AuditLog } from './auditLog';

export interface AuditPorts {
  log: Pick<AuditLog, 'append'>;
  clock: Clock;
  timeZone: string;
  /** The GET route of a path template, to read what a change changes before and after (undefined when there is none). */
  getRoute(path: string): Route | undefined;
  /** Tries of the write before the entry goes to the logs instead (default 3). */
  attempts?: number;
}

/** One admin API call as the handler matched it. */
export interface AdminCall {
  route: Route;
  method: string;
  path: string;
  params: Record<string, string>;
  principal: Principal;
  requestId: string;
  /** The parsed body; absent when the call was denied before it was read. */
  body?: unknown;
}

/** A call is a change unless it is a read or its route says it only computes. */
export const isChange = (route: Route, method: string) => method !== 'GET' && route.audit?.changes !== false;

const newId = (nowMs: number) => `${nowMs.toString(36)}${randomBytes(4).toString('hex')}`;

function parsedBody(result: HttpResult): unknown {
  const type = String(result.headers?.['content-type'] ?? '');
  if (typeof result.body !== 'string' || !type.includes('json')) return undefined;
  try {
    return JSON.parse(result.body);
  } catch {
    return undefined;
  }
}

/** The resource through its GET twin, as that route answers it (undefined when there is none or it fails). */
async function readTwin(ports: AuditPorts, call: AdminCall): Promise<unknown> {
  const reads = call.route.audit?.reads;
  if (reads === false || call.route.audit?.erasesMember || call.route.audit?.outline) return undefined;
  // PUT and DELETE act on the resource at their own path; a POST creates or acts: it names what it reads.
  const path = reads ?? (call.method === 'PUT' || call.method === 'DELETE' ? call.route.path : undefined);
  const twin = path === undefined ? undefined : ports.getRoute(path);
  if (!twin) return undefined;
  try {
    const request: RouteRequest = {
      params: call.params,
      query: {},
      body: undefined,
      rawBody: '',
      contentType: '',
      principal: call.principal,
      requestId: call.requestId,
    };
    const answer = await twin.run(request);
    return answer.statusCode === 200 ? parsedBody(answer) : undefined;
  } catch (err) {
    log.warn('audit: reading the resource failed', { route: twin.path, ...describeError(err) });
    return undefined;
  }
}

/**
 * Runs one admin call and records it in the audit log when it is a change (or was denied): who,
 * with which roles, when, what, the answer's status, and the resource before and after (read
 * through its GET twin) or the request and the answer. The call's answer never depends on the
 * audit write: a write that keeps failing is logged whole as `alarm: audit-write-failed`, from
 * which it can be put back (docs/audit-and-approvals.md).
 */
export async function recordAdminChange(ports: AuditPorts, call: AdminCall, run: () => Promise<HttpResult>, denied = false): Promise<HttpResult> {
  if (!denied && !isChange(call.route, call.method)) return run();
  const twin = denied ? undefined : await readTwin(ports, call);
  let result: HttpResult;
  try {
    result = await run();
  } catch (err) {
    // The error boundary answers 500; the attempt is recorded all the same.
    await append(ports, entryOf(ports, call, { status: 500, denied, before: twin, after: undefined, answer: undefined }));
    throw err;
  }
  const answer = parsedBody(result);
  const done = result.statusCode < 300;
  const after = denied ? undefined : twin !== undefined && done ? await readTwin(ports, call) : answer;
  const entry = entryOf(ports, call, { status: result.statusCode, denied, before: twin, after, answer });
  await append(ports, entry);
  return result;
}

function entryOf(ports: AuditPorts, call: AdminCall, r: { status: number; denied: boolean; before: unknown; after: unknown; answer: unknown }): AuditEntry {
  const nowMs = ports.clock.now();
  const audit = call.route.audit ?? {};
  const erasing = audit.erasesMember ? call.params.openid : undefined;
  const truncated: string[] = [];
  const keep = (name: string, value: unknown) => {
    if (value === undefined) return {};
    const b = bounded(value);
    if (b.cut) truncated.push(name);
    return { [name]: b.value };
  };
  const request = audit.outline ? { outline: true, chars: JSON.stringify(call.body ?? '').length } : redactSecrets(call.body);
  const after = audit.outline ? outlineOf(r.after) : redactSecrets(r.after);
  const before = redactSecrets(r.before);
  const diff = r.before !== undefined && r.after !== undefined ? diffOf(before, after) : undefined;
  // An entry naming more members than the index takes keeps no bodies: every member it names stays reachable by erasure.
  const many = openidsIn(call.params, [request, before, after]).length > MAX_MENTIONS;
  const approvalId = (r.answer as { approval?: { id?: unknown } } | undefined)?.approval?.id;
  return {
    id: newId(nowMs),
    at: new Date(nowMs).toISOString(),
    actor: { username: call.principal.username, sub: call.principal.sub, roles: call.principal.roles, via: call.principal.via },
    kind: audit.kind ?? kindOf(call.method, call.route.path),
    method: call.method,
    path: erasing ? call.path.split(erasing).join(ERASED_MEMBER).split(encodeURIComponent(erasing)).join(ERASED_MEMBER) : call.path,
    route: call.route.path,
    params: erasing ? { ...call.params, openid: ERASED_MEMBER } : call.params,
    requestId: call.requestId,
    status: r.status,
    outcome: r.denied ? 'denied' : r.status < 300 ? 'done' : 'refused',
    ...(many || r.denied
      ? {}
      : { ...keep('request', request), ...keep('before', before), ...keep('after', after), ...keep('diff', diff?.length ? diff : undefined) }),
    ...(typeof approvalId === 'string' ? { approvalId } : {}),
    ...(many ? { truncated: ['request', 'before', 'after', 'diff'] } : truncated.length ? { truncated } : {}),
  };
}

async function append(ports: AuditPorts, entry: AuditEntry): Promise<void> {
  const day = businessDay(Date.parse(entry.at), ports.timeZone);
  const attempts = ports.attempts ?? 3;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await ports.log.append(entry, day);
      return;
    } catch (err) {
      if (attempt === attempts) log.error('alarm: audit-write-failed', { alarm: 'audit-write-failed', day, entry, ...describeError(err) });
    }
  }
}
