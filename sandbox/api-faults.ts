import type { ServerResponse } from 'node:http';
import { sendJson, sendText } from './http-io';

/**
 * Failures of api.weixin.qq.com on demand (`POST /sandbox/faults`), so a client's retry and
 * idempotency paths can be tested: the next `count` calls to `path` (for `openid` only, when given)
 * fail as `kind` says.
 *
 * - `timeout`: no answer; the socket is dropped after `delayMs` (30 s by default, past the client's 5 s).
 * - `http500`: HTTP 500 with an HTML body, after `delayMs` (0 by default). Nothing is done.
 * - `busy`: HTTP 200 `{errcode: -1, errmsg: 'system error'}`. Nothing is done.
 * - `drop-after-commit`: the call is carried out (delivered, counted, dedup recorded) but the answer
 *   is lost: the socket is dropped after `delayMs` (0 by default).
 */
export const API_FAULT_KINDS = ['timeout', 'http500', 'busy', 'drop-after-commit'] as const;
export type ApiFaultKind = (typeof API_FAULT_KINDS)[number];

export interface ApiFault {
  id: number;
  /** An API path, matched exactly (`/cgi-bin/message/template/send`). */
  path: string;
  kind: ApiFaultKind;
  /** How many more calls it hits. */
  count: number;
  /** Only calls whose `touser` is (or, for mass/send, contains) this openid. */
  openid?: string;
  delayMs: number;
}

/** What one call got: the fault's kind and how long to wait before failing. */
export type TakenFault = Pick<ApiFault, 'kind' | 'delayMs'>;

const DEFAULT_DELAY_MS: Record<ApiFaultKind, number> = { timeout: 30_000, http500: 0, busy: 0, 'drop-after-commit': 0 };
const MAX_DELAY_MS = 120_000;

export class ApiFaults {
  list: ApiFault[] = [];
  private nextId = 1;

  clear(): void {
    this.list = [];
  }

  /** Parses and queues `POST /sandbox/faults`. */
  add(body: unknown): { ok: true; fault: ApiFault } | { ok: false; error: string } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'body must be { path, kind, count?, openid?, delayMs? }' };
    const b = body as Record<string, unknown>;
    if (typeof b.path !== 'string' || !b.path.startsWith('/cgi-bin/'))
      return { ok: false, error: '"path" must be an API path such as /cgi-bin/message/template/send' };
    if (!(API_FAULT_KINDS as readonly unknown[]).includes(b.kind)) return { ok: false, error: `"kind" must be one of ${API_FAULT_KINDS.join(', ')}` };
    const kind = b.kind as ApiFaultKind;
    const count = b.count ?? 1;
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > 1000)
      return { ok: false, error: '"count" must be a whole number from 1 to 1000' };
    if (b.openid !== undefined && (typeof b.openid !== 'string' || b.openid === '')) return { ok: false, error: '"openid" must be a non-empty string' };
    const delayMs = b.delayMs ?? DEFAULT_DELAY_MS[kind];
    if (!Number.isSafeInteger(delayMs) || (delayMs as number) < 0 || (delayMs as number) > MAX_DELAY_MS)
      return { ok: false, error: `"delayMs" must be a whole number of ms from 0 to ${MAX_DELAY_MS}` };
    const fault: ApiFault = {
      id: this.nextId++,
      path: b.path,
      kind,
      count: count as number,
      ...(b.openid ? { openid: b.openid as string } : {}),
      delayMs: delayMs as number,
    };
    this.list.push(fault);
    return { ok: true, fault };
  }

  /** The first fault queued for this call, used up by one. */
  take(path: string, body: unknown): TakenFault | undefined {
    const touser = typeof body === 'object' && body !== null ? (body as { touser?: unknown }).touser : undefined;
    const addressed = (openid: string) => touser === openid || (Array.isArray(touser) && touser.includes(openid));
    const i = this.list.findIndex((f) => f.path === path && (f.openid === undefined || addressed(f.openid)));
    if (i < 0) return undefined;
    const fault = this.list[i]!;
    if (--fault.count <= 0) this.list.splice(i, 1);
    return { kind: fault.kind, delayMs: fault.delayMs };
  }
}

/** Sends an API answer, or fails it the way the fault says. */
export function sendApiAnswer(res: ServerResponse, answer: { status: number; json: unknown; fault?: TakenFault }): void {
  const { fault } = answer;
  if (!fault) {
    sendJson(res, answer.status, answer.json);
    return;
  }
  later(res, fault.delayMs, () => {
    if (fault.kind === 'timeout' || fault.kind === 'drop-after-commit') return void res.destroy();
    if (fault.kind === 'http500')
      return sendText(
        res,
        500,
        'text/html; charset=utf-8',
        '<html><head><title>500 Internal Server Error</title></head><body><h1>500 Internal Server Error</h1></body></html>',
      );
    sendJson(res, answer.status, answer.json);
  });
}

function later(res: ServerResponse, delayMs: number, act: () => void): void {
  if (delayMs === 0) {
    act();
    return;
  }
  const timer = setTimeout(() => {
    if (!res.destroyed) act();
  }, delayMs);
  timer.unref();
  res.on('close', () => clearTimeout(timer));
}
