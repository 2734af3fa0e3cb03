import type { ApiFaults } from './api-faults';
import { parseJson } from './http-io';
import type { JobEvents } from './job-events';
import type { SendLimits } from './send-limits';

/**
 * Sandbox-only controls for outbound sends: `/sandbox/limits` (quotas, rate, job events on/off),
 * `/sandbox/job-events` (what was posted to the callback and how it went) and `/sandbox/faults`
 * (API failures on demand).
 */
export interface SendControlDeps {
  limits: SendLimits;
  jobs: JobEvents;
  faults: ApiFaults;
}

type Answer = { status: number; json: unknown };

export function handleSendControls(
  method: string,
  path: string,
  query: URLSearchParams,
  rawBody: string,
  { limits, jobs, faults }: SendControlDeps,
): Answer | null {
  if (path === '/sandbox/limits') {
    if (method === 'GET') return { status: 200, json: limits.view() };
    if (method !== 'POST') return { status: 405, json: { error: 'GET or POST /sandbox/limits' } };
    const parsed = parseJson(rawBody);
    if (!parsed.ok) return { status: 400, json: { error: parsed.error } };
    const updated = limits.update(parsed.value);
    if (!updated.ok) return { status: 400, json: { error: updated.error } };
    return { status: 200, json: limits.view() };
  }
  if (path === '/sandbox/job-events') {
    if (method !== 'GET') return { status: 405, json: { error: 'GET /sandbox/job-events' } };
    const after = Number(query.get('after') ?? 0);
    if (!Number.isSafeInteger(after) || after < 0) return { status: 400, json: { error: '"after" must be a non-negative integer (a seq)' } };
    const msgid = query.get('msgid');
    if (msgid !== null && !/^\d{1,16}$/.test(msgid)) return { status: 400, json: { error: '"msgid" must be a number' } };
    const events = jobs.list({ after, kind: query.get('kind') ?? undefined, ...(msgid !== null ? { msgid: Number(msgid) } : {}) });
    return { status: 200, json: { enabled: limits.settings.jobEvents, events } };
  }
  if (path === '/sandbox/faults') {
    if (method === 'GET') return { status: 200, json: { faults: faults.list } };
    if (method === 'DELETE') {
      faults.clear();
      return { status: 200, json: { faults: [] } };
    }
    if (method !== 'POST') return { status: 405, json: { error: 'GET, POST or DELETE /sandbox/faults' } };
    const parsed = parseJson(rawBody);
    if (!parsed.ok) return { status: 400, json: { error: parsed.error } };
    const added = faults.add(parsed.value);
    if (!added.ok) return { status: 400, json: { error: added.error } };
    return { status: 200, json: { fault: added.fault, faults: faults.list } };
  }
  return null;
}
