import type { KeyObject } from 'node:crypto';
import { authorizationHeader, headerLookup, newNonce, requestMessage, rsaSign, verifyWechatpaySignature, type VerifyKey } from './signature';
import { unknown, type RejectedOutcome, type ThrottledOutcome, type UnknownOutcome } from './outcome';

/**
 * One signed APIv3 call and its verified answer. Only a response whose signature verifies can say
 * "done" or "refused"; anything else is an unknown outcome for the caller to retry or query.
 */
export interface V3TransportOptions {
  baseUrl: string;
  mchid: string;
  merchantSerial: string;
  merchantKey: KeyObject;
  platform: VerifyKey;
  timeoutMs: number;
  now: () => number;
  fetch: typeof fetch;
}

export type V3Reply =
  | { kind: 'success'; status: number; json: Record<string, unknown> }
  | { kind: 'not-found'; code: string; message: string }
  | RejectedOutcome
  | ThrottledOutcome
  | UnknownOutcome;

const USER_AGENT = 'wechat-oa-crm-pay/0.1 (node)';

export function createV3Transport(o: V3TransportOptions) {
  return async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<V3Reply> {
    const url = new URL(o.baseUrl + path);
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(o.now() / 1000));
    const nonce = newNonce();
    const signature = rsaSign(requestMessage(method, url.pathname + url.search, timestamp, nonce, text), o.merchantKey);
    let res: Response;
    let raw: string;
    try {
      res = await o.fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          'user-agent': USER_AGENT,
          authorization: authorizationHeader({ mchid: o.mchid, serialNo: o.merchantSerial, timestamp, nonce, signature }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : text,
        // WeChat Pay never redirects; following one would send our Authorization elsewhere.
        redirect: 'error',
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      raw = await res.text();
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return unknown('timeout', `no answer within ${o.timeoutMs} ms`);
      return unknown('network', `network: ${networkReason(e)}`);
    }
    const claimed = errorCode(raw);
    // A rate-limit answer is trusted unverified: its only consequence, retry later with the same
    // number, is also what an unknown outcome asks for.
    if (res.status === 429 || claimed.code === 'FREQUENCY_LIMITED') return { kind: 'throttled', code: claimed.code ?? 'FREQUENCY_LIMITED' };
    if (res.status >= 500 || claimed.code === 'SYSTEM_ERROR')
      return unknown('server-error', `HTTP ${res.status}${claimed.code ? ` ${claimed.code}` : ''}${claimed.message ? `: ${claimed.message}` : ''}`);
    const verified = verifyWechatpaySignature(headerLookup(res.headers), raw, o.platform, o.now());
    if (!verified.ok) return unknown('unverified', `HTTP ${res.status}, response not trusted: ${verified.error}`);
    if (res.status >= 200 && res.status < 300) {
      const json = parseObject(raw === '' ? '{}' : raw);
      return json ? { kind: 'success', status: res.status, json } : unknown('malformed', `HTTP ${res.status} with a body that is not a JSON object`);
    }
    if (res.status === 404) return { kind: 'not-found', code: claimed.code ?? 'NOT_FOUND', message: claimed.message ?? '' };
    if (res.status >= 400) return { kind: 'rejected', code: claimed.code ?? `HTTP_${res.status}`, message: claimed.message ?? '' };
    return unknown('malformed', `unexpected HTTP ${res.status}`);
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `{code, message}` of an error body, if it has one. */
function errorCode(raw: string): { code?: string; message?: string } {
  const body = raw ? parseObject(raw) : undefined;
  return {
    code: typeof body?.code === 'string' ? body.code : undefined,
    message: typeof body?.message === 'string' ? body.message : undefined,
  };
}

export function networkReason(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}
