/** WeChat's errcodes, grouped by what a caller should do about them. */
export type ErrorKind =
  | 'token' // 40001, 40014, 42001: the access token is bad or expired; refresh once and retry
  | 'transient' // -1 system busy, network, 5xx: retry later with backoff
  | 'quota' // 45009, 45028 and friends: stop until the quota resets
  | 'window' // 45015, 45047: outside the customer-service window or over its count
  | 'unsubscribed' // 43004
  | 'bad-openid' // 40003
  | 'rate' // 45011 API frequency
  | 'duplicate' // 45065 clientmsgid reused
  | 'invalid'; // everything else: a bad argument, fix the request

export interface ApiError {
  errcode: number;
  errmsg: string;
  kind: ErrorKind;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const KINDS: Record<number, ErrorKind> = {
  [-1]: 'transient',
  [-2]: 'transient',
  40001: 'token',
  40014: 'token',
  42001: 'token',
  45009: 'quota',
  45028: 'quota',
  45015: 'window',
  45047: 'window',
  43004: 'unsubscribed',
  40003: 'bad-openid',
  45011: 'rate',
  45065: 'duplicate',
};

export function apiError(errcode: number, errmsg: string): ApiError {
  return { errcode, errmsg, kind: KINDS[errcode] ?? 'invalid' };
}

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = <T>(errcode: number, errmsg: string): ApiResult<T> => ({ ok: false, error: apiError(errcode, errmsg) });
