import type { HttpResult } from '../../lib/http/response';
import { httpEvent } from './pushes';
import { TEST_CONFIG } from './testTable';

export const adminAuth = { authorization: `Bearer ${TEST_CONFIG.ADMIN_TOKEN}`, 'content-type': 'application/json' };

export interface AdminCall {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: HttpResult['headers'];
}

/** A JSON answer parsed; any other (a CSV or JSON Lines export) as its text; none: undefined. */
export function answerBody(res: Pick<HttpResult, 'body' | 'headers'>): unknown {
  if (!res.body) return undefined;
  return String(res.headers?.['content-type'] ?? '').startsWith('application/json') ? JSON.parse(String(res.body)) : String(res.body);
}

/**
 * The real handlers, imported after `useTestTable()` has set the environment, and a small client
 * for the admin API (JSON in, JSON out, bearer token unless other headers are given).
 */
export async function loadHandlers() {
  const { handler: handleAdmin } = await import('../../handlers/admin');
  const { handler: handleWeChat } = await import('../../handlers/wechat');
  async function admin(
    method: string,
    path: string,
    body?: unknown,
    opts: { query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<AdminCall> {
    const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await handleAdmin(httpEvent(method, path, opts.query ?? {}, raw, opts.headers ?? adminAuth));
    return { status: res.statusCode, body: answerBody(res), headers: res.headers };
  }
  return { handleAdmin, handleWeChat, admin };
}
