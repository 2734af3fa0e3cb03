import { createHash } from 'node:crypto';
import type { RouteRequest } from './router';
import { json, type HttpResult } from './response';

/** A strong validator of a JSON value: the same value, the same tag. */
export const etagOf = (value: unknown): string => `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 27)}"`;

/** `If-None-Match` lists the tag (or `*`); weak and strong forms of one tag match (RFC 9110 weak comparison). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * A 200 JSON answer with an `ETag`, or 304 with no body when the caller holds it already (pollers
 * ask every second or two; most answers are then a few bytes). `basis` is what the tag is made of
 * when the body holds numbers that change as time passes (seconds waited), so the tag changes
 * when the data does, not every second.
 */
export function conditionalJson(req: Pick<RouteRequest, 'headers'>, body: unknown, basis: unknown = body): HttpResult {
  const etag = etagOf(basis);
  const headers = { etag, 'cache-control': 'no-cache' };
  if (matches(req.headers?.['if-none-match'], etag)) return { statusCode: 304, headers, body: '' };
  return json(200, body, headers);
}
